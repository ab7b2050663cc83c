import XCTest
@testable import Lang
import Model

/// `ml.genres`, `ml.years`, `interactions` and `concat` of two matrices on the shipped demo data:
/// content rows beside the plot vectors, usable by the content baselines and the item side of a
/// model; mismatched shapes are errors.
final class ItemMetadataBuiltinTests: XCTestCase {
    func run(_ source: String) -> (Session, errors: [String]) {
        let s = Session(seed: 1, dataDirectory: SweepTests.demo)
        var errors: [String] = []
        s.output = { if case .error(let e, _) = $0 { errors.append(e.message) } }
        s.run("""
        seed(2)
        ml = movielens("demo", plots: "demo/plots.tsv")
        split = ml.split(cold_items: 0.2, holdout: 0.1, validation: 0.1)
        pv = paragraph_vectors(ml.plots, dim: 8, epochs: 3)

        """ + source, origin: "t.rec", stopOnError: true)
        return (s, errors)
    }

    func tensor(_ s: Session, _ name: String) throws -> Tensor {
        guard case .object(let t as TensorObject)? = s.variables[name] else { throw Unbound(name: name) }
        return t.variable.value
    }

    struct Unbound: Error { let name: String }

    func testGenresAndYearsSitBesideThePlotVectors() throws {
        let (s, errors) = run("""
        g = ml.genres
        y = ml.years
        meta = concat(pv, concat(g, y))
        ridge = baseline("content_ridge", split.train, content: meta, lambda: 10)
        e = evaluate(ridge, split.test_cold)
        """)
        XCTAssertEqual(errors, [])
        let (pv, g, y, meta) = (try tensor(s, "pv"), try tensor(s, "g"), try tensor(s, "y"), try tensor(s, "meta"))
        XCTAssertEqual(g.shape[0], pv.shape[0])
        XCTAssertEqual(y.shape[0], pv.shape[0])
        XCTAssertGreaterThan(g.shape[1], 1)
        XCTAssertGreaterThan(y.shape[1], 1)
        XCTAssertEqual(meta.shape, Shape(pv.shape[0], pv.shape[1] + g.shape[1] + y.shape[1]))
        // Row for row: the plot vector, then the genre flags, then the year features.
        let (dp, dg, dy, w) = (pv.shape[1], g.shape[1], y.shape[1], meta.shape[1])
        for r in [0, pv.shape[0] - 1] {
            XCTAssertEqual((0..<dp).map { meta[flat: r * w + $0] }, (0..<dp).map { pv[flat: r * dp + $0] })
            XCTAssertEqual((0..<dg).map { meta[flat: r * w + dp + $0] }, (0..<dg).map { g[flat: r * dg + $0] })
            XCTAssertEqual((0..<dy).map { meta[flat: r * w + dp + dg + $0] }, (0..<dy).map { y[flat: r * dy + $0] })
        }
        XCTAssertNotNil(s.variables["e"])
    }

    /// The demo catalogue gives years only (every date a 1 January): `ml.release_dates` says so.
    /// (ML-100K's own dates are checked in ItemMetadataTests.)
    func testReleaseDatesWithoutMonthsAreAnErrorNamingThem() {
        let (s, errors) = run("d = ml.release_dates")
        XCTAssertEqual(errors, ["release_dates: no calendar quarter has 10 movies with a release date to the month"])
        XCTAssertNil(s.variables["d"])
        XCTAssertNotNil(s.variables["pv"])
    }

    /// An item's row holds its training users, scaled to unit length (1/√n each for n users) or
    /// 0/1 with normalize: false — computed here directly from the events.
    func testInteractionsAreEachItemsTrainingUsers() throws {
        let (s, errors) = run("""
        x = interactions(split.train)
        raw = interactions(split.train, normalize: false)
        dae = dot(embedding(ml.users, 4), dense(dropout(content(x), 0.5), 4, act: "tanh"))
        h = fit(listwise(dae, negatives: 8), split.train, epochs: 1)
        """)
        XCTAssertEqual(errors, [])
        guard case .object(let sp as SplitObject)? = s.variables["split"] else { throw Unbound(name: "split") }
        let train = sp.split.train
        let (x, raw) = (try tensor(s, "x"), try tensor(s, "raw"))
        let (items, users) = (x.shape[0], x.shape[1])
        var fans = [Set<Int>](repeating: [], count: items)
        for e in 0..<train.count { fans[Int(train.items[e])].insert(Int(train.users[e])) }
        XCTAssertGreaterThan(fans.filter(\.isEmpty).count, 0)     // cold items: zero rows
        for i in 0..<items { for u in 0..<users {
            let member = fans[i].contains(u)
            XCTAssertEqual(raw[flat: i * users + u], member ? 1 : 0)
            XCTAssertEqual(Double(x[flat: i * users + u]), member ? 1 / Double(fans[i].count).squareRoot() : 0, accuracy: 1e-6)
        } }
        XCTAssertNotNil(s.variables["h"])
    }

    func testMismatchedMatricesAreErrorsNamingConcat() {
        let cases: [(String, String)] = [
            ("concat(ml.genres, tensor([[1, 2]]))", "concat: the matrices need as many rows"),
            ("concat(ml.genres, tensor([1, 2]))", "concat: two matrices are put side by side"),
            ("concat(ml.genres, embedding(ml.items, 4))", "concat"),
        ]
        for (line, expected) in cases {
            let errors = run(line).errors
            XCTAssertEqual(errors.count, 1, line)
            XCTAssertTrue(errors.first?.contains(expected) ?? false, "\(line): \(errors)")
        }
    }
}

/// `tfidf(plots, vocab)`: a bag of words as a content matrix, usable where averaged vectors are.
extension ItemMetadataBuiltinTests {
    func testTFIDFIsAContentMatrixOfUnitRowsThatRidgesAndModelsRead() throws {
        let (s, errors) = run("""
        vocab = vocabulary(ml.plots, min_count: 2)
        w = tfidf(ml.plots, vocab)
        ridge = baseline("content_ridge", split.train, content: concat(pv, w), lambda: 10)
        e = evaluate(ridge, split.test_cold)
        score = dot(embedding(ml.users, 4), dense(content(w), 4))
        h = fit(bpr(score, negatives: 4), split.train, adagrad(0.05), epochs: 1)
        r = recommend(score, plot: "A robot in space falls in love.", top: 3)
        """)
        XCTAssertEqual(errors, [])
        let (w, pv) = (try tensor(s, "w"), try tensor(s, "pv"))
        guard case .object(let vocab as VocabularyObject)? = s.variables["vocab"] else { return XCTFail("unbound") }
        XCTAssertEqual(w.shape, Shape(pv.shape[0], vocab.vocabulary.count))
        var unitRows = 0
        for r in 0..<w.shape[0] {
            let norm = (0..<w.shape[1]).map { w[flat: r * w.shape[1] + $0] }.reduce(0) { $0 + $1 * $1 }
            XCTAssertTrue(norm == 0 || abs(norm - 1) < 1e-4, "row \(r): squared norm \(norm)")
            if norm > 0 { unitRows += 1 }
        }
        XCTAssertGreaterThan(unitRows, w.shape[0] / 2)
        XCTAssertNotNil(s.variables["e"])
        guard case .object(let r as RecommendationsObject)? = s.variables["r"] else { return XCTFail("no recommendations") }
        XCTAssertEqual(r.items.count, 3)
    }
}
