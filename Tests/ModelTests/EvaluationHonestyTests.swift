import XCTest
@testable import Model

/// The metrics say what they claim or nothing: NaN/inf scores are an error that counts them,
/// every metric stays in [0, 1] (ties, duplicates, one user, k beyond the users), and events
/// of another dataset are refused instead of indexing out of range.
final class EvaluationHonestyTests: XCTestCase {
    func events(_ pairs: [(Int32, Int32)]) -> Events {
        var e = Events()
        for (u, i) in pairs { e.append(user: u, item: i, rating: 5, time: 0) }
        return e
    }

    func testNonFiniteScoresAreAnErrorThatCountsThem() {
        // Item 0 is fine, item 1 has a NaN and an inf: nothing is averaged, both are counted.
        let scorer = FixedScorer([[0.1, 0.2, 0.3], [.nan, .infinity, 0.5]])
        let test = events([(0, 0), (1, 1)])
        XCTAssertThrowsError(try Evaluator.evaluate(scorer, test: test, train: Events(), items: 2, k: 2, tile: 1)) { error in
            guard let e = error as? NonFiniteScores else { return XCTFail("\(error)") }
            XCTAssertEqual(e.nan, 1)
            XCTAssertEqual(e.infinite, 1)
            XCTAssertEqual(e.items, 2)
            XCTAssertTrue(e.message(for: "hybrid").hasPrefix("hybrid gives 1 NaN and 1 infinite score (of 2 items × 3 users)"), e.message(for: "hybrid"))
        }
        // Once gave mrr 2.0 and auc above 1: NaN compares false, so a user ranked ahead of itself.
        let allNaN = FixedScorer([[.nan, .nan, .nan, .nan]])
        XCTAssertThrowsError(try Evaluator.evaluate(allNaN, test: events([(1, 0)]), train: Events(), items: 1, k: 2)) {
            XCTAssertEqual(($0 as? NonFiniteScores)?.nan, 4)
        }
    }

    func testMetricsStayInRangeWithTiesAndDuplicates() throws {
        let rng = RandomSource(seed: 11)
        for trial in 0..<200 {
            let users = 1 + rng.below(12), items = 1 + rng.below(5)
            // Few distinct values: ties everywhere.
            let table = (0..<items).map { _ in (0..<users).map { _ in Float(rng.below(3)) } }
            var test: [(Int32, Int32)] = [], train: [(Int32, Int32)] = []
            for _ in 0..<(1 + rng.below(3 * users)) { test.append((Int32(rng.below(users)), Int32(rng.below(items)))) }
            for _ in 0..<rng.below(2 * users) { train.append((Int32(rng.below(users)), Int32(rng.below(items)))) }
            let k = 1 + rng.below(users + 3)
            let e = try Evaluator.evaluate(FixedScorer(table), test: events(test), train: events(train), items: items, k: k)
            for m in [e.all, e.warm, e.cold] where m.items > 0 {
                for (name, v) in [("recall", m.recall), ("ndcg", m.ndcg), ("mrr", m.mrr), ("auc", m.auc)] {
                    XCTAssertTrue((0...1).contains(v), "trial \(trial): \(name) \(v) out of [0, 1]")
                }
            }
        }
    }

    func testDuplicateTestEventsCountAUserOnce() throws {
        let scorer = FixedScorer([[0.9, 0.1, 0.5, 0.3]])
        let once = try Evaluator.evaluate(scorer, test: events([(1, 0), (2, 0)]), train: Events(), items: 1, k: 2)
        let twice = try Evaluator.evaluate(scorer, test: events([(1, 0), (2, 0), (1, 0), (1, 0)]), train: Events(), items: 1, k: 2)
        XCTAssertEqual(twice.all.recall, once.all.recall)
        XCTAssertEqual(twice.all.ndcg, once.all.ndcg)
        XCTAssertEqual(twice.all.auc, once.all.auc)
        // User 2 (0.5) beats 3 and loses to 0: 1/2; user 1 (0.1) beats neither: 0. Counted
        // three times, user 1 once made the others vanish (auc 0.5 from nothing).
        XCTAssertEqual(once.all.auc, 0.25, accuracy: 1e-12)
    }

    func testOneUser() throws {
        let e = try Evaluator.evaluate(FixedScorer([[0.7]]), test: events([(0, 0)]), train: Events(), items: 1, k: 20)
        XCTAssertEqual(e.k, 1)
        XCTAssertEqual(e.all.recall, 1)
        XCTAssertEqual(e.all.ndcg, 1)
        XCTAssertEqual(e.all.mrr, 1)
        XCTAssertEqual(e.all.auc, 0.5)  // no other user to be ordered against
    }

    func testAllEqualScoresRankByExpectation() throws {
        let n = 9
        let e = try Evaluator.evaluate(FixedScorer([[Float](repeating: 3, count: n)]), test: events([(4, 0)]), train: Events(), items: 1, k: n)
        XCTAssertEqual(e.all.mrr, 1 / (1 + Double(n - 1) / 2), accuracy: 1e-12)
        XCTAssertEqual(e.all.auc, 0.5, accuracy: 1e-12)
        XCTAssertEqual(e.all.recall, 1)  // k covers every user
    }

    /// recall@k and ndcg@k with ties are their means over every order of the tied users (every
    /// ranking the scores allow, enumerated), not the figures of the index order. They used to
    /// take tied users in index order, so a scorer with one score for every user read above
    /// random whenever the relevant users had low indices.
    func testTiedRecallAndNDCGAreTheMeanOverTheTiedOrders() throws {
        let rng = RandomSource(seed: 5)
        func permutations(_ a: [Int]) -> [[Int]] {
            guard a.count > 1 else { return [a] }
            return a.indices.flatMap { i -> [[Int]] in
                var rest = a
                let x = rest.remove(at: i)
                return permutations(rest).map { [x] + $0 }
            }
        }
        for trial in 0..<150 {
            let users = 2 + rng.below(6)
            let row = (0..<users).map { _ in Float(rng.below(3)) }
            var train: [(Int32, Int32)] = [], test: [(Int32, Int32)] = []
            for u in 0..<users where rng.below(5) == 0 { train.append((Int32(u), 0)) }
            for u in 0..<users where rng.below(2) == 0 { test.append((Int32(u), 0)) }
            let excluded = Set(train.map { Int($0.0) })
            let relevant = Set(test.map { Int($0.0) }).subtracting(excluded)
            let candidates = (0..<users).filter { !excluded.contains($0) }
            guard !relevant.isEmpty else { continue }
            let k = 1 + rng.below(users)
            // Every order of the candidates that the scores allow (non-increasing), equally likely.
            let orders = permutations(candidates).filter { o in zip(o, o.dropFirst()).allSatisfy { row[$0.0] >= row[$0.1] } }
            var recall = 0.0, ndcg = 0.0
            let ideal = (0..<min(relevant.count, k)).reduce(0.0) { $0 + 1 / log2(Double($1) + 2) }
            for o in orders {
                let top = o.prefix(k)
                recall += Double(top.filter(relevant.contains).count) / Double(min(relevant.count, k))
                ndcg += top.enumerated().reduce(0.0) { $0 + (relevant.contains($1.element) ? 1 / log2(Double($1.offset) + 2) : 0) } / ideal
            }
            let e = try Evaluator.evaluate(FixedScorer([row]), test: events(test), train: events(train), items: 1, k: k)
            XCTAssertEqual(e.all.recall, recall / Double(orders.count), accuracy: 1e-12, "trial \(trial): \(row) k \(k)")
            XCTAssertEqual(e.all.ndcg, ndcg / Double(orders.count), accuracy: 1e-12, "trial \(trial): \(row) k \(k)")
        }
    }

    func testKBeyondTheUsersRanksEveryUser() throws {
        let scorer = FixedScorer([[0.2, 0.5, 0.7, 0.9, 0.1]])
        let huge = try Evaluator.evaluate(scorer, test: events([(0, 0), (4, 0)]), train: Events(), items: 1, k: 100_000_000_000)
        let exact = try Evaluator.evaluate(scorer, test: events([(0, 0), (4, 0)]), train: Events(), items: 1, k: 5)
        XCTAssertEqual(huge.k, 5)
        XCTAssertEqual(huge.all.recall, 1)
        XCTAssertEqual(huge.all.ndcg, exact.all.ndcg)
        XCTAssertEqual(huge.all.mrr, exact.all.mrr)
        XCTAssertThrowsError(try Evaluator.evaluate(scorer, test: events([(0, 0)]), train: Events(), items: 1, k: 0))
    }

    func testEventsOfAnotherDatasetAreRefused() {
        let scorer = FixedScorer([[0.2, 0.5], [0.1, 0.3]])
        XCTAssertThrowsError(try Evaluator.evaluate(scorer, test: events([(7, 0)]), train: Events(), items: 2)) {
            XCTAssertTrue("\($0)".contains("user 7, but the model has 2 users"), "\($0)")
        }
        XCTAssertThrowsError(try Evaluator.evaluate(scorer, test: events([(0, 0)]), train: events([(0, 5)]), items: 2)) {
            XCTAssertTrue("\($0)".contains("item 5"), "\($0)")
        }
    }
}
