import Foundation
import Model

/// `rec bench score`: every one of 6,040 users scored for each of 3,706 items (64-d item and
/// user vectors plus a user bias, the reference shapes) with the top 10 users per item;
/// figure: milliseconds, best of five. Also prints the time of the matrix product alone.
struct ScoreBenchmark {
    let threads: Int

    func run(json: Bool) throws {
        let rng = RandomSource(seed: 3)
        let (nItems, nUsers, d, k) = (3706, 6040, 64, 10)
        let items = try Tensor.normal(Shape(nItems, d), rng: rng), users = try Tensor.normal(Shape(nUsers, d), rng: rng)
        let bias = try Tensor.normal(Shape(nUsers), std: 0.1, rng: rng)
        func best(_ body: () throws -> Void) rethrows -> Double {
            var b = Double.infinity
            for _ in 0..<5 {
                let start = DispatchTime.now().uptimeNanoseconds
                try body()
                b = min(b, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            }
            return b
        }
        var result: TopUsers.Result?
        let total = try best { result = try TopUsers.compute(items: items, users: users, bias: bias, k: k) }
        let product = try best { _ = try items.matmul(users, transposeOther: true) }
        print("\(nItems) items × \(nUsers) users × \(d), top \(k) per item, \(threads) BLAS thread\(threads == 1 ? "" : "s")")
        print(String(format: "matrix product alone (all scores materialised): %.1f ms", product))
        print("item 0's best users: \(result!.users.prefix(k).map(String.init).joined(separator: " "))")
        if json { print(jsonLine([("bench", "score"), ("threads", threads), ("score_ms", total), ("matmul_ms", product)])) }
        print(String(format: "score: %.1f ms", total))
    }
}
