import XCTest
import Foundation
@testable import Lang
import Model

/// Random and mutated scripts thrown at `run`: every one must end in values or errors —
/// no trap, no hang. (Scripts that load data are left out: they are slow, not risky.)
final class FuzzTests: XCTestCase {
    static let pieces = ["tensor", "zeros", "ones", "randn", "param", "backward", "sum", "mean", "exp", "log", "sigmoid",
                         "softplus", "tanh", "elu", "relu", "softmax", "help", "vars", "seed", "x", "y", "t", ".shape", ".T",
                         ".grad", ".item", "(", ")", "[", "]", ",", ":", "=", "+", "-", "*", "/", "@", ";", "\n", "#",
                         "0", "1", "2", "-1", "3.5", "1e3", "1e400", "\"s\"", "'", "\"", "axis:", "std:", "true", "false",
                         "[1, 2]", "[[1, 2], [3, 4]]", " ", "x = ", "y = ", "t = tensor([[1, 2], [3, 4]])\n", "é", "\\", ".", "_a"]

    static let seeds: [String] = {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("cases")
        return ["tensors.rec", "errors.rec", "session.rec"].compactMap { try? String(contentsOf: dir.appendingPathComponent($0), encoding: .utf8) }
    }()

    func testRandomAndMutatedScriptsEndInValuesOrErrors() {
        let rng = RandomSource(seed: 2026)
        let cases = Int(ProcessInfo.processInfo.environment["REC_FUZZ_CASES"] ?? "") ?? 100_000
        var session = Session(seed: 1)
        var errors = 0, values = 0
        for k in 0..<cases {
            if k % 200 == 0 {  // a fresh session now and then keeps the state small
                session = Session(seed: UInt64(k))
            }
            let source: String
            if k % 2 == 0 || Self.seeds.isEmpty {
                source = (0..<(1 + rng.below(12))).map { _ in Self.pieces[rng.below(Self.pieces.count)] }.joined()
            } else {
                var chars = Array(Self.seeds[rng.below(Self.seeds.count)])
                for _ in 0..<(1 + rng.below(3)) where !chars.isEmpty {
                    let at = rng.below(chars.count)
                    switch rng.below(3) {
                    case 0: chars.remove(at: at)
                    case 1: chars.insert(contentsOf: Self.pieces[rng.below(Self.pieces.count)], at: at)
                    default: chars[at] = Self.pieces[rng.below(Self.pieces.count)].first ?? " "
                    }
                }
                source = String(chars)
            }
            for r in session.run(source, origin: "fuzz", stopOnError: false) {
                if r.status == .failed { errors += 1 } else { values += 1 }
            }
            _ = session.check(source, origin: "fuzz")
        }
        XCTAssertGreaterThan(errors, cases / 4)
        XCTAssertGreaterThan(values, cases / 10)
    }
}
