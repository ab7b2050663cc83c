import XCTest
@testable import Model

/// RP3β in the flip orientation against the random walk summed path by path in double
/// precision on a tiny case (with and without pruning to the nearest items), its zero scores
/// for cold items, its determinism, and its refusals — beside the other classic baselines' tests.
extension ClassicBaselineTests {
    // Users 0–4 (user 5 has no events), items 0–3 (item 4 is cold); (4, 0) twice counts once.
    var walkPairs: [(Int32, Int32)] { [(0, 0), (0, 1), (1, 1), (1, 2), (2, 0), (2, 2), (2, 3), (3, 3), (3, 1), (4, 0), (4, 0), (4, 2)] }

    /// score(u, j): every walk j → v → i → u (i ≠ j) with each step's probability (1 ÷ the
    /// degree of the node it leaves)^α, divided by d_u^β; with k > 0 only item j's k items i
    /// with the largest weight j → v → i → (any user) (ties to the lower index) are walked through.
    func walk(alpha: Double, beta: Double, neighbours k: Int) -> [[Double]] {
        let (users, items) = (6, 5)
        var x = [[Double]](repeating: [Double](repeating: 0, count: items), count: users)
        for (u, i) in walkPairs { x[Int(u)][Int(i)] = 1 }
        let du = x.map { $0.reduce(0, +) }
        let di = (0..<items).map { i in x.map { $0[i] }.reduce(0, +) }
        func p(_ d: Double) -> Double { pow(1 / d, alpha) }
        var expected = [[Double]](repeating: [Double](repeating: 0, count: items), count: users)
        for j in 0..<items where di[j] > 0 {
            var through = [Double](repeating: 0, count: items)     // the walks' weight through item i
            for v in 0..<users where x[v][j] > 0 { for i in 0..<items where i != j && x[v][i] > 0 { through[i] += p(di[j]) * p(du[v]) * p(di[i]) } }
            var kept = Set(0..<items)
            if k > 0 { kept = Set((0..<items).sorted { through[$0] > through[$1] || (through[$0] == through[$1] && $0 < $1) }.prefix(k)) }
            for i in kept where through[i] > 0 { for u in 0..<users where x[u][i] > 0 {
                expected[u][j] += through[i] / pow(du[u], beta)
            } }
        }
        return expected
    }

    func testRP3BetaMatchesTheWalkSummedPathByPath() throws {
        let (users, items) = (6, 5)
        for (alpha, beta, k) in [(1.0, 0.0, 0), (0.8, 0.6, 0), (0.5, 1.0, 2)] {
            let expected = walk(alpha: alpha, beta: beta, neighbours: k)
            let scorer = try RP3BetaScorer(train: events(walkPairs), users: users, items: items, alpha: Float(alpha), beta: Float(beta), neighbours: k)
            let order: [Int32] = [3, 0, 4, 2, 1]
            let s = try scorer.scores(items: order)
            for (r, j) in order.enumerated() { for u in 0..<users {
                XCTAssertEqual(Double(s[flat: r * users + u]), expected[u][Int(j)], accuracy: 1e-5, "α \(alpha) β \(beta) k \(k): user \(u) item \(j)")
            } }
            XCTAssertEqual((0..<users).map { s[flat: 2 * users + $0] }, [Float](repeating: 0, count: users), "the cold item")
            XCTAssertGreaterThan(expected.joined().filter { $0 > 0 }.count, 10, "a real, non-trivial case")
        }
        // Pruning and the popularity penalty each change the scores.
        let all = walk(alpha: 0.5, beta: 1, neighbours: 0), pruned = walk(alpha: 0.5, beta: 1, neighbours: 2)
        XCTAssertNotEqual(all, pruned)
        XCTAssertNotEqual(walk(alpha: 0.5, beta: 0, neighbours: 0), all)
    }

    func testRP3BetaIsDeterministicAndRefusesBadSettings() throws {
        let (train, users, items) = (events(walkPairs), 6, 5)
        let a = try RP3BetaScorer(train: train, users: users, items: items, alpha: 0.8, beta: 0.6, neighbours: 3).scores(items: [0, 1, 2, 3])
        let b = try RP3BetaScorer(train: train, users: users, items: items, alpha: 0.8, beta: 0.6, neighbours: 3).scores(items: [0, 1, 2, 3])
        XCTAssertEqual((0..<a.count).map { a[flat: $0].bitPattern }, (0..<b.count).map { b[flat: $0].bitPattern })
        XCTAssertThrowsError(try RP3BetaScorer(train: train, users: users, items: items, alpha: -1, beta: 0))
        XCTAssertThrowsError(try RP3BetaScorer(train: train, users: users, items: items, alpha: 1, beta: .nan))
        XCTAssertThrowsError(try RP3BetaScorer(train: train, users: users, items: items, alpha: 1, beta: 0, neighbours: -1))
        XCTAssertThrowsError(try RP3BetaScorer(train: train, users: users, items: 3, alpha: 1, beta: 0), "item 3 is out of range")
    }
}
