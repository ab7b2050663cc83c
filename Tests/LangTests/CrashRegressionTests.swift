import XCTest
import Foundation
@testable import Lang

/// Statements that killed or hung the process in a 1.05M-statement fuzz run, each now an
/// error naming its argument (or a clamp with a warning). They run on the demo data in the
/// repository, one statement at a time through `Session.run` (kept simple to port).
final class CrashRegressionTests: XCTestCase {
    static let dataDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Data").path
    static let setup = """
        ml = movielens("demo", plots: "demo/plots.tsv", positive: 4)
        split = ml.split(cold_items: 0.2, holdout: 0.1, validation: 0.1)
        score = dot(embedding(ml.users, 4), embedding(ml.items, 4))
        fit(bpr(score, negatives: 4), split.train, epochs: 1);
        nan = log(tensor(-1)).item
        inf = exp(tensor(1000)).item
        """
    nonisolated(unsafe) static var session: Session?
    nonisolated(unsafe) static var warnings: [String] = []

    override class func setUp() {
        let session = Session(seed: 7, dataDirectory: dataDirectory)
        session.output = { if case .warning(let w) = $0 { CrashRegressionTests.warnings.append(w) } }
        let errors = session.run(setup, origin: "setup").compactMap(\.error)
        precondition(errors.isEmpty, "setup failed: \(errors)")
        self.session = session
    }

    /// The error message of `statement` (nil when it succeeded) and the warnings it gave.
    func run(_ statement: String) -> (error: String?, warnings: [String]) {
        Self.warnings = []
        let error = Self.session!.run(statement, origin: "test", stopOnError: false).lazy.compactMap(\.error?.message).first
        return (error, Self.warnings)
    }

    func assertError(_ statement: String, _ containing: String, file: StaticString = #filePath, line: UInt = #line) {
        let r = run(statement)
        XCTAssertTrue(r.error?.contains(containing) ?? false, "\(statement) → \(r.error ?? "no error")", file: file, line: line)
    }

    func testHugeSizesAreErrorsThatNameTheArgument() {
        assertError("embedding(ml.items, 100000000000)", "embedding: dim 100000000000 needs")
        assertError("dense(embedding(ml.items, 4), 100000000000)", "dense: width 100000000000 needs")
        assertError("paragraph_encoder(ml.plots, dim: 100000000000)", "paragraph_encoder: dim 100000000000 needs")
        assertError("paragraph_vectors(ml.plots, dim: 100000000000)", "paragraph_vectors: dim 100000000000 needs")
        assertError("word2vec(ml.plots, dim: 100000000000)", "word2vec: dim 100000000000 needs")
        assertError("rnn_encoder(ml.plots, dim: 100000000000)", "rnn_encoder: dim 100000000000 needs")
        assertError("zeros([100000000000, 100000000000])", "zeros: shape [100000000000, 100000000000] needs")
        assertError("ones(100000000000)", "ones: shape 100000000000 needs")
        assertError("randn([1000000, 1000000])", "needs 3.6 TB")
        assertError("x = ones([1000000, 1])\nx @ x.T", "matmul: the product [1000000, 1000000] needs")
        assertError("zeros([-1, 2])", "whole numbers ≥ 0")
        assertError("ones(-3)", "at least 0")
    }

    func testNegativesBeyondTheUsersOrTheVocabularyAreErrors() {
        assertError("bpr(score, negatives: 100000000000)", "bpr: negatives 100000000000 is more than the")
        assertError("sample(score, negatives: 1000000)", "users they are drawn from")
        assertError("fit(listwise(score, negatives: 1e14), split.train, epochs: 1)", "listwise: negatives")
        assertError("word2vec(ml.plots, dim: 4, negatives: 100000000000, epochs: 1)", "words of the vocabulary")
        XCTAssertNil(run("sample(score, negatives: 8)").error)
    }

    func testHugeButHarmlessSizesRun() {
        XCTAssertNil(run("fit(bpr(score, negatives: 4), split.train, epochs: 1, batch: 100000000000000);").error)
        XCTAssertNil(run("rnn_encoder(ml.plots, dim: 4, max_words: 100000000000)").error)
        XCTAssertNil(run("recommend(score, 1, top: 100000000000);").error)
        XCTAssertNil(run("word2vec(ml.plots, dim: 4, window: 100000000000, epochs: 1)").error)
    }

    func testKBeyondTheUsersClampsWithAWarning() {
        let r = run("evaluate(score, split.test_cold, k: 1e11)")
        XCTAssertNil(r.error)
        XCTAssertTrue(r.warnings.contains { $0.hasPrefix("evaluate: k 100000000000 is more than the") && $0.contains("so k =") }, "\(r.warnings)")
        let c = run("compare(pop: baseline(\"popularity\", split.train), on: split.test_cold, k: 1e11)")
        XCTAssertNil(c.error)
        XCTAssertEqual(c.warnings.count, 1)
    }

    func testNonFiniteNumbersAreErrorsNotTraps() {
        assertError("bpr(score, negatives: 4, sampler: \"popular\", beta: nan)", "beta must be a finite number, got nan")
        assertError("adagrad(lr: nan)", "lr must be a finite number")
        assertError("adam(lr: inf)", "lr must be a finite number, got inf")
        assertError("sgd(lr: 0)", "lr must be above 0")
        assertError("wmse(score, alpha: 1e300)", "beyond the range of 32-bit floats")
        assertError("embedding(ml.items, nan)", "dim must be a whole number, got nan")
        assertError("randn([2], std: inf)", "std must be a finite number")
        assertError("paragraph_encoder(ml.plots, weight: inf)", "weight must be a finite number")
        assertError("evaluate(score, split.test_cold, k: nan)", "k must be a whole number")
        assertError("seed(-inf)", "n must be a whole number")
        assertError("threads(nan)", "n must be a whole number")
        assertError("zeros([nan])", "whole numbers")
        assertError("movielens(\"demo\", positive: nan)", "positive must be a finite number")
    }

    func testNaNScoresFailEvaluateAndSayWhose() {
        XCTAssertNil(run("pv = paragraph_vectors(ml.plots, dim: 4, epochs: 1)").error)
        assertError("evaluate(baseline(\"content_knn\", split.train, content: pv * nan), split.test_cold)", "evaluate: content_knn gives")
        assertError("compare(knn: baseline(\"content_knn\", split.train, content: pv * inf), on: split.test_cold)", "compare: knn gives")
    }

    func testNestedLiteralsAreLinear() {
        // 40 levels took 2^40 steps; now the depth is read once and refused past 4 axes.
        let deep = String(repeating: "[", count: 40) + "1" + String(repeating: "]", count: 40)
        assertError("tensor(\(deep))", "at most 4 axes")
        let wide = "[" + Array(repeating: "[[[1, 2], [3, 4]], [[5, 6], [7, 8]]]", count: 50).joined(separator: ", ") + "]"
        XCTAssertNil(run("t = tensor(\(wide))").error)
        XCTAssertNil(run("t.shape").error)
        assertError("tensor([[1, 2], [3]])", "rows have different lengths")
        assertError("tensor([[1, 2], 3])", "rows have different lengths")
        assertError("tensor([[1], [\"a\"]])", "expected numbers")
    }

    func testThreadsBeyondTheCoresClampWithAWarning() {
        let r = run("threads(100000)")
        XCTAssertNil(r.error)
        XCTAssertTrue(r.warnings.first?.hasPrefix("threads: this machine has") ?? false, "\(r.warnings)")
        XCTAssertTrue(run("threads(1)").warnings.isEmpty)
    }
}
