import XCTest
@testable import Model

/// A scorer with fixed scores, for checking the metrics by hand.
final class FixedScorer: UserScorer {
    let table: [[Float]]
    init(_ table: [[Float]]) { self.table = table }
    var users: Int { table[0].count }
    func scores(items: [Int32]) throws -> Tensor { try Tensor(rows: items.map { table[Int($0)] }) }
}

final class EvaluationTests: XCTestCase {
    func events(_ pairs: [(Int32, Int32)]) -> Events {
        var e = Events()
        for (u, i) in pairs { e.append(user: u, item: i, rating: 5, time: 0) }
        return e
    }

    func testMetricsByHand() throws {
        // Item 0: users ranked 3 > 2 > 1 > 0 > 4; user 3 saw it in training (excluded).
        // Relevant: users 1 and 4 → ranks 2 and 4 among the 4 candidates [2, 1, 0, 4].
        let scorer = FixedScorer([[0.2, 0.5, 0.7, 0.9, 0.1], [0, 0, 0, 0, 0]])
        let train = events([(3, 0)])
        let test = events([(1, 0), (4, 0)])
        let e = try Evaluator.evaluate(scorer, test: test, train: train, items: 2, k: 2)
        XCTAssertEqual(e.warm.items, 1)
        XCTAssertEqual(e.cold.items, 0)
        XCTAssertEqual(e.warm.recall, 0.5, accuracy: 1e-9)            // top 2 = [2, 1]: one hit of min(2, 2)
        XCTAssertEqual(e.warm.ndcg, (1 / log2(3.0)) / (1 + 1 / log2(3.0)), accuracy: 1e-9)
        XCTAssertEqual(e.warm.mrr, 0.5, accuracy: 1e-9)
        // AUC: user 1 beats the 2 others' lower one (0) and loses to 2 → 1/2; user 4 beats none → 0.
        XCTAssertEqual(e.warm.auc, 0.25, accuracy: 1e-9)
    }

    func testTiesCountHalfAndColdItems() throws {
        let scorer = FixedScorer([[1, 1, 1, 1]])
        let e = try Evaluator.evaluate(scorer, test: events([(2, 0)]), train: Events(), items: 1, k: 1)
        XCTAssertEqual(e.cold.items, 1)
        XCTAssertEqual(e.cold.auc, 0.5, accuracy: 1e-9)
        XCTAssertEqual(e.cold.mrr, 1 / 2.5, accuracy: 1e-9)  // tied with three others: expected rank 2.5
    }

    func testTopUsersMatchesBruteForce() throws {
        let rng = RandomSource(seed: 4)
        let items = try Tensor.normal(Shape(70, 8), rng: rng), users = try Tensor.normal(Shape(500, 8), rng: rng)
        let bias = try Tensor.normal(Shape(500), rng: rng)
        let r = try TopUsers.compute(items: items, users: users, bias: bias, k: 7, tileRows: 16)
        let all = try items.matmul(users, transposeOther: true)
        for i in 0..<70 {
            let expected = (0..<500).sorted { all[i, $0] + bias[flat: $0] > all[i, $1] + bias[flat: $1] }.prefix(7).map(Int32.init)
            XCTAssertEqual(Array(r.users[(i * 7)..<(i * 7 + 7)]), expected)
        }
        XCTAssertThrowsError(try TopUsers.compute(items: items, users: users, k: 501))
        // A diverged model's NaN and −∞ scores come after every finite one, by user id.
        let odd = try TopUsers.compute(items: Tensor(rows: [[1]]), users: Tensor(rows: [[Float.nan], [2], [-Float.infinity], [1]]), k: 4)
        XCTAssertEqual(odd.users, [1, 3, 0, 2])
        XCTAssertEqual(odd.scores[0...1], [2, 1])
        XCTAssertTrue(odd.scores[2].isNaN)
        XCTAssertEqual(odd.scores[3], -.infinity)
    }

    func testBaselinesRankAsDefined() throws {
        let train = events([(0, 0), (0, 1), (0, 2), (1, 0)])
        let pop = try PopularityScorer(train: train, users: 3).scores(items: [5])
        XCTAssertEqual(pop.scalars, [3, 1, 0])
        // Content kNN: item 2 is identical in content to item 0 and orthogonal to item 1.
        let content = try Tensor(rows: [[1, 0], [0, 1], [1, 0]])
        let knn = try ContentKNNScorer(content: content, train: events([(0, 0), (1, 1), (2, 0), (2, 1)]), users: 3)
        XCTAssertEqual(try knn.scores(items: [2]).scalars, [1, 0, 1])
        let r = RandomScorer(users: 4, seed: 1)
        XCTAssertEqual(try r.scores(items: [3]).scalars, try r.scores(items: [3]).scalars)
    }
}

/// A monitor that records progress and stops the work after `limit` reports.
final class StoppingMonitor: ProgressMonitor {
    var reports: [Double] = []
    let limit: Int
    init(limit: Int) { self.limit = limit }
    func advance(_ fraction: Double, _ what: String) throws {
        reports.append(fraction)
        if reports.count > limit { throw Cancelled() }
    }
}

final class MonitorTests: XCTestCase {
    func testLongWorkReportsProgressAndStops() throws {
        let scorer = FixedScorer((0..<600).map { _ in [1, 2, 3] })
        var test = Events()
        for i in 0..<600 { test.append(user: 0, item: Int32(i), rating: 5, time: 0) }
        let all = StoppingMonitor(limit: 100)
        _ = try Evaluator.evaluate(scorer, test: test, train: Events(), items: 600, k: 2, tile: 100, monitor: all)
        XCTAssertEqual(all.reports.count, 6)
        XCTAssertThrowsError(try Evaluator.evaluate(scorer, test: test, train: Events(), items: 600, k: 2, tile: 100,
                                                    monitor: StoppingMonitor(limit: 2))) { XCTAssertTrue($0 is Cancelled) }
        let docs: [[Int32]] = [[0, 1, 2], [2, 1, 0]]
        let vocab = try Vocabulary(documents: [["a", "b", "c"], ["c", "b", "a"]])
        var o = EmbeddingTraining()
        o.dim = 4; o.epochs = 5
        XCTAssertThrowsError(try ParagraphVectors(documents: docs, vocabulary: vocab, options: o, monitor: StoppingMonitor(limit: 1))) {
            XCTAssertTrue($0 is Cancelled)
        }
        XCTAssertThrowsError(try Word2Vec(documents: docs, vocabulary: vocab, options: o, monitor: StoppingMonitor(limit: 1)))
    }
}
