import XCTest
@testable import Model

/// Evaluation ranks a tile's items on several threads and sums their metrics in item order:
/// the same numbers, bit for bit, for any thread count.
final class ThreadedEvaluationTests: XCTestCase {
    func testEvaluationGivesTheSameNumbersOnAnyThreadCount() throws {
        let users = 300, items = 120
        let rng = RandomSource(seed: 9)
        // Coarse scores, so that ties (counted half) occur too.
        let table = (0..<items).map { _ in (0..<users).map { _ in Float(Int(rng.uniform() * 50)) } }
        var train = Events(), test = Events()
        for i in 0..<items {
            for u in 0..<users where rng.uniform() < 0.05 {
                if i % 4 == 0 || rng.uniform() < 0.2 { test.append(user: Int32(u), item: Int32(i), rating: 5, time: 0) }
                else { train.append(user: Int32(u), item: Int32(i), rating: 5, time: 0) }
            }
        }
        let scorer = FixedScorer(table)
        let one = try Evaluator.evaluate(scorer, test: test, train: train, items: items, k: 10, tile: 32, threads: 1)
        XCTAssertGreaterThan(one.warm.items, 0)
        XCTAssertGreaterThan(one.cold.items, 0)
        for threads in [2, 3] {
            let many = try Evaluator.evaluate(scorer, test: test, train: train, items: items, k: 10, tile: 32, threads: threads)
            for (a, b) in [(many.all, one.all), (many.warm, one.warm), (many.cold, one.cold)] {
                XCTAssertEqual(a.items, b.items)
                XCTAssertEqual([a.recall, a.ndcg, a.mrr, a.auc].map(\.bitPattern), [b.recall, b.ndcg, b.mrr, b.auc].map(\.bitPattern))
            }
        }
    }
}
