import XCTest
@testable import Lang
import Model

/// `baseline("rp3beta", …)` through the language on the demo data: it scores warm validation
/// items above random, the same numbers on every run and after a refit on the same events, and a
/// bad setting is an error whose caret underlines that argument.
final class RP3BetaBuiltinTests: XCTestCase {
    func testRP3BetaRunsThroughTheLanguageDeterministically() {
        let script = BlendBuiltinTests.demoSplit + """
        rp3 = baseline("rp3beta", split.train, alpha: 0.8, beta: 0.3, neighbours: 20)
        a = evaluate(rp3, split.valid_warm)
        b = evaluate(refit(rp3, split.train), split.valid_warm)
        c = evaluate(baseline("random", split.train), split.valid_warm)

        """
        var figures: [[Double]] = []
        for _ in 0..<2 {
            let (s, _, errors) = BlendBuiltinTests.run(script)
            XCTAssertEqual(errors, [])
            figures.append(["a", "b", "c"].map { name in
                guard case .object(let e as EvaluationObject)? = s.variables[name] else { XCTFail("\(name) unbound"); return -1 }
                return e.evaluation.warm.ndcg
            })
        }
        XCTAssertEqual(figures[0], figures[1], "the same script, the same numbers")
        XCTAssertEqual(figures[0][0], figures[0][1], "a refit on the same events")
        XCTAssertGreaterThan(figures[0][0], figures[0][2] + 0.05, "above random: \(figures[0])")
    }

    func testBadSettingsAreErrorsUnderliningTheArgument() {
        let cases: [(String, String, String)] = [
            ("baseline(\"rp3beta\", split.train, alpha: -1)", "baseline: alpha must be ≥ 0, got -1", "-1"),
            ("baseline(\"rp3beta\", split.train, beta: -0.25)", "baseline: beta must be ≥ 0, got -0.25", "-0.25"),
            ("baseline(\"rp3beta\", split.train, neighbours: -2)", "baseline: neighbours must be at least 0, got -2", "-2"),
        ]
        for (line, message, underlined) in cases {
            let s = Session(seed: 1, dataDirectory: SweepTests.demo)
            _ = s.run(BlendBuiltinTests.demoSplit, origin: "setup", stopOnError: true)
            let e = s.run(line, origin: "test", stopOnError: false).first?.error
            XCTAssertEqual(e?.message, message, line)
            XCTAssertEqual(e?.span.map { String(line.dropFirst($0.column - 1).prefix($0.length)) }, underlined, line)
        }
    }
}
