import XCTest
@testable import Model

/// EASE, implicit ALS and the content → user ridge: closed forms against a direct computation
/// in double precision on tiny cases, and each above popularity on ML-100K validation.
final class ClassicBaselineTests: XCTestCase {
    /// Events from (user, item) pairs.
    func events(_ pairs: [(Int32, Int32)]) -> Events {
        var e = Events()
        for (u, i) in pairs { e.append(user: u, item: i, rating: 5, time: 0) }
        return e
    }

    /// The inverse of a small matrix by Gauss–Jordan in double precision (the direct computation).
    func inverse(_ m: [[Double]]) -> [[Double]] {
        let n = m.count
        var a = m.enumerated().map { r, row in row + (0..<n).map { $0 == r ? 1.0 : 0.0 } }
        for c in 0..<n {
            let p = (c..<n).max { abs(a[$0][c]) < abs(a[$1][c]) }!
            a.swapAt(c, p)
            let d = a[c][c]
            a[c] = a[c].map { $0 / d }
            for r in 0..<n where r != c {
                let f = a[r][c]
                a[r] = zip(a[r], a[c]).map { $0 - f * $1 }
            }
        }
        return a.map { Array($0[n...]) }
    }

    func multiply(_ a: [[Double]], _ b: [[Double]]) -> [[Double]] {
        a.map { row in (0..<b[0].count).map { j in zip(row, b).map { $0 * $1[j] }.reduce(0, +) } }
    }

    func transpose(_ a: [[Double]]) -> [[Double]] { (0..<a[0].count).map { j in a.map { $0[j] } } }

    func testEASEMatchesTheClosedFormComputedDirectly() throws {
        let train = events([(0, 0), (0, 1), (1, 1), (1, 2), (2, 0), (2, 2), (2, 3), (3, 3), (3, 1), (4, 0)])
        let (users, items, lambda) = (5, 4, 0.7)
        var x = [[Double]](repeating: [Double](repeating: 0, count: items), count: users)
        for e in 0..<train.count { x[Int(train.users[e])][Int(train.items[e])] = 1 }
        var g = multiply(transpose(x), x)
        for i in 0..<items { g[i][i] += lambda }
        let p = inverse(g)
        let b = (0..<items).map { j in (0..<items).map { i in i == j ? 0 : -p[j][i] / p[i][i] } }
        let expected = multiply(x, b)        // [users, items]
        let scorer = try EASEScorer(train: train, users: users, items: items, lambda: Float(lambda))
        let s = try scorer.scores(items: [0, 1, 2, 3])
        for i in 0..<items { for u in 0..<users {
            XCTAssertEqual(Double(s[flat: i * users + u]), expected[u][i], accuracy: 1e-4, "user \(u) item \(i)")
        } }
        XCTAssertNotEqual(s[flat: 0 * users + 1], 0)    // a real, non-trivial score
    }

    func testContentRidgeMatchesTheClosedFormComputedDirectly() throws {
        let content: [[Double]] = [[1, 0.5, 0], [0.2, 1, 0.3], [0.9, 0.1, 1], [0.4, 0.4, 0.4], [1, 1, 0]]
        let train = events([(0, 0), (1, 0), (1, 1), (2, 2), (0, 2), (2, 3)])   // item 4 is cold
        let (users, lambda) = (3, 0.5)
        let trained = [0, 1, 2, 3]
        var y = [[Double]](repeating: [Double](repeating: 0, count: users), count: trained.count)
        for e in 0..<train.count { y[Int(train.items[e])][Int(train.users[e])] = 1 }
        // Centred on the training means: each user's ridge has an unpenalised intercept.
        func mean(_ m: [[Double]]) -> [Double] { transpose(m).map { $0.reduce(0, +) / Double(m.count) } }
        let (meanF, meanY) = (mean(trained.map { content[$0] }), mean(y))
        let f = trained.map { zip(content[$0], meanF).map { $0 - $1 } }
        y = y.map { zip($0, meanY).map { $0 - $1 } }
        var a = multiply(transpose(f), f)
        for j in 0..<3 { a[j][j] += lambda }
        let w = multiply(inverse(a), multiply(transpose(f), y))
        let expected = zip(multiply([zip(content[4], meanF).map { $0 - $1 }], w)[0], meanY).map { $0 + $1 }
        let scorer = try ContentRidgeScorer(content: Tensor(rows: content.map { $0.map(Float.init) }), train: train,
                                            users: users, lambda: Float(lambda))
        let s = try scorer.scores(items: [4])
        for u in 0..<users { XCTAssertEqual(Double(s[flat: u]), expected[u], accuracy: 1e-4, "user \(u)") }
    }

    /// After fitting, the item factors solve their weighted ridge over *all* users exactly
    /// (the last half-step), checked against the dense normal equations built pair by pair.
    func testALSItemFactorsSolveTheDenseNormalEquations() throws {
        let train = events([(0, 0), (0, 1), (1, 1), (1, 2), (2, 0), (2, 2), (2, 3), (3, 3), (3, 1), (4, 0), (4, 0)])
        var o = ALSScorer.Options()
        (o.factors, o.lambda, o.alpha, o.iterations) = (3, 0.3, 2, 4)
        let als = try ALSScorer(train: train, users: 5, items: 4, options: o, seed: 7)
        let u = (0..<5).map { r in (0..<3).map { Double(als.userFactors[flat: r * 3 + $0]) } }
        for item in 0..<4 {
            var a = [[Double]](repeating: [0, 0, 0], count: 3), b = [0.0, 0, 0]
            for user in 0..<5 {
                let n = (0..<train.count).filter { train.users[$0] == user && train.items[$0] == item }.count
                let c = 1 + 2 * Double(n), p = n > 0 ? 1.0 : 0
                for i in 0..<3 { b[i] += c * p * u[user][i]; for j in 0..<3 { a[i][j] += c * u[user][i] * u[user][j] } }
            }
            for i in 0..<3 { a[i][i] += 0.3 }
            let x = multiply(inverse(a), b.map { [$0] }).map { $0[0] }
            for i in 0..<3 { XCTAssertEqual(Double(als.itemFactors[flat: item * 3 + i]), x[i], accuracy: 1e-4) }
        }
        let again = try ALSScorer(train: train, users: 5, items: 4, options: o, seed: 7)
        XCTAssertEqual((0..<12).map { als.itemFactors[flat: $0] }, (0..<12).map { again.itemFactors[flat: $0] })
    }

    func testBadSettingsAreErrors() {
        let train = events([(0, 0)])
        XCTAssertThrowsError(try EASEScorer(train: train, users: 1, items: 1, lambda: 0))
        XCTAssertThrowsError(try EASEScorer(train: train, users: 1, items: 1_000_000_000, lambda: 1))
        XCTAssertThrowsError(try EASEScorer(train: events([(3, 0)]), users: 1, items: 1, lambda: 1))
        var o = ALSScorer.Options()
        o.factors = 0
        XCTAssertThrowsError(try ALSScorer(train: train, users: 1, items: 1, options: o, seed: 1))
        XCTAssertThrowsError(try ContentRidgeScorer(content: Tensor.zeros(1, 2), train: events([(0, 5)]), users: 1, lambda: 1))
    }
}

/// On ML-100K (the hybrid tests' split and content), each classic method beats popularity on
/// validation: EASE and ALS on warm items, the content ridge on cold ones.
extension ClassicBaselineTests {
    func testEachBeatsPopularityOnMovieLensValidation() throws {
        let s = try HybridTests.setup.get()
        let (users, items, train) = (s.ml.users.count, s.ml.items.count, s.split.train)
        func ndcg(_ scorer: any UserScorer, _ test: Events) throws -> Evaluation {
            try Evaluator.evaluate(scorer, test: test, train: train, items: items)
        }
        let popularity = PopularityScorer(train: train, users: users)
        let (popWarm, popCold) = (try ndcg(popularity, s.split.validWarm).warm.ndcg, try ndcg(popularity, s.split.validCold).cold.ndcg)
        let ease = try ndcg(EASEScorer(train: train, users: users, items: items, lambda: 250), s.split.validWarm).warm.ndcg
        let als = try ndcg(ALSScorer(train: train, users: users, items: items, options: ALSScorer.Options(), seed: 1), s.split.validWarm).warm.ndcg
        let ridge = try ndcg(ContentRidgeScorer(content: s.content, train: train, users: users, lambda: 100), s.split.validCold).cold.ndcg
        print(String(format: "valid warm ndcg@20: popularity %.4f  ease %.4f  als %.4f;  valid cold: popularity %.4f  ridge %.4f",
                     popWarm, ease, als, popCold, ridge))
        XCTAssertGreaterThan(ease, popWarm * 1.3)
        XCTAssertGreaterThan(als, popWarm * 1.3)
        XCTAssertGreaterThan(ridge, popCold)
    }
}
