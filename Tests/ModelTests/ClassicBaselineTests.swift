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

    /// EDLAE's penalty λ + p/(1−p)·G_ii and the user–user orientation, against the same direct
    /// computation: user–user EASE ranks users for an item from the item's other fans.
    func testEDLAEAndUserUserEASEMatchTheClosedFormComputedDirectly() throws {
        let train = events([(0, 0), (0, 1), (1, 1), (1, 2), (2, 0), (2, 2), (2, 3), (3, 3), (3, 1), (4, 0), (4, 2)])
        let (users, items, lambda, dropout) = (5, 4, 0.7, 0.3)
        var x = [[Double]](repeating: [Double](repeating: 0, count: items), count: users)
        for e in 0..<train.count { x[Int(train.users[e])][Int(train.items[e])] = 1 }
        /// B (zero diagonal) for the Gram matrix of m's columns.
        func ease(_ m: [[Double]]) -> [[Double]] {
            var g = multiply(transpose(m), m)
            for i in g.indices { g[i][i] += lambda + dropout / (1 - dropout) * g[i][i] }
            let p = inverse(g)
            return g.indices.map { j in g.indices.map { i in i == j ? 0 : -p[j][i] / p[i][i] } }
        }
        let byItems = multiply(x, ease(x))                       // [users, items]
        let byUsers = transpose(multiply(transpose(x), ease(transpose(x))))   // [users, items]
        for (orientation, expected) in [(EASEScorer.Orientation.items, byItems), (.users, byUsers)] {
            let scorer = try EASEScorer(train: train, users: users, items: items, lambda: Float(lambda), dropout: Float(dropout),
                                        orientation: orientation)
            let s = try scorer.scores(items: [3, 0, 2])
            for (r, i) in [3, 0, 2].enumerated() { for u in 0..<users {
                XCTAssertEqual(Double(s[flat: r * users + u]), expected[u][i], accuracy: 1e-4, "\(orientation) user \(u) item \(i)")
            } }
        }
        var difference = 0.0
        for u in 0..<users { for i in 0..<items { difference += abs(byItems[u][i] - byUsers[u][i]) } }
        XCTAssertGreaterThan(difference, 0.01)     // the orientations really differ
        let plain = try EASEScorer(train: train, users: users, items: items, lambda: Float(lambda)).scores(items: [0])
        let edlae = try EASEScorer(train: train, users: users, items: items, lambda: Float(lambda), dropout: Float(dropout)).scores(items: [0])
        XCTAssertNotEqual((0..<users).map { plain[flat: $0] }, (0..<users).map { edlae[flat: $0] })
        XCTAssertThrowsError(try EASEScorer(train: train, users: users, items: items, lambda: 1, dropout: 1))
    }

    /// Collective EASE: G = XᵀX + w·ĈĈᵀ + λI, Ĉ the content rows at unit length (a zero row
    /// stays zero), against the direct computation; content moves the scores, bad content throws.
    func testEASEWithContentMatchesTheClosedFormComputedDirectly() throws {
        let train = events([(0, 0), (0, 1), (1, 1), (1, 2), (2, 0), (2, 2), (2, 3), (3, 3), (3, 1), (4, 0)])
        let (users, items, lambda, weight) = (5, 4, 0.7, 2.5)
        let content: [[Double]] = [[3, 4, 0], [0, 0, 0], [1, 0, 1], [0, 2, 1]]
        var x = [[Double]](repeating: [Double](repeating: 0, count: items), count: users)
        for e in 0..<train.count { x[Int(train.users[e])][Int(train.items[e])] = 1 }
        let unit = content.map { row -> [Double] in
            let norm = row.map { $0 * $0 }.reduce(0, +).squareRoot()
            return norm > 0 ? row.map { $0 / norm } : row
        }
        var g = multiply(transpose(x), x)
        let similar = multiply(unit, transpose(unit))
        for i in 0..<items { for j in 0..<items { g[i][j] += weight * similar[i][j] } ; g[i][i] += lambda }
        let p = inverse(g)
        let b = (0..<items).map { j in (0..<items).map { i in i == j ? 0 : -p[j][i] / p[i][i] } }
        let expected = multiply(x, b)
        let c = try Tensor(rows: content.map { $0.map(Float.init) })
        let scorer = try EASEScorer(train: train, users: users, items: items, lambda: Float(lambda), content: c, contentWeight: Float(weight))
        let s = try scorer.scores(items: [2, 0, 1, 3])
        for (r, i) in [2, 0, 1, 3].enumerated() { for u in 0..<users {
            XCTAssertEqual(Double(s[flat: r * users + u]), expected[u][i], accuracy: 1e-4, "user \(u) item \(i)")
        } }
        let plain = try EASEScorer(train: train, users: users, items: items, lambda: Float(lambda)).scores(items: [2])
        XCTAssertGreaterThan((0..<users).map { abs(plain[flat: $0] - s[flat: $0]) }.reduce(0, +), 0.01)
        XCTAssertThrowsError(try EASEScorer(train: train, users: users, items: items, lambda: 1, content: Tensor.zeros(3, 3)))
        XCTAssertThrowsError(try EASEScorer(train: train, users: users, items: items, lambda: 1, orientation: .users, content: c))
        XCTAssertThrowsError(try EASEScorer(train: train, users: users, items: items, lambda: 1, content: c, contentWeight: -1))
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
        for power in [0, 0.5] as [Float] { try checkALSNormalEquations(lambdaPower: power) }
    }

    /// With lambdaPower ν, item i's penalty is λ·(1 + its event count)^ν.
    func checkALSNormalEquations(lambdaPower: Float) throws {
        let train = events([(0, 0), (0, 1), (1, 1), (1, 2), (2, 0), (2, 2), (2, 3), (3, 3), (3, 1), (4, 0), (4, 0)])
        var o = ALSScorer.Options()
        (o.factors, o.lambda, o.alpha, o.iterations, o.lambdaPower) = (3, 0.3, 2, 4, lambdaPower)
        let als = try ALSScorer(train: train, users: 5, items: 4, options: o, seed: 7)
        let u = (0..<5).map { r in (0..<3).map { Double(als.userFactors[flat: r * 3 + $0]) } }
        for item in 0..<4 {
            var a = [[Double]](repeating: [0, 0, 0], count: 3), b = [0.0, 0, 0]
            for user in 0..<5 {
                let n = (0..<train.count).filter { train.users[$0] == user && train.items[$0] == item }.count
                let c = 1 + 2 * Double(n), p = n > 0 ? 1.0 : 0
                for i in 0..<3 { b[i] += c * p * u[user][i]; for j in 0..<3 { a[i][j] += c * u[user][i] * u[user][j] } }
            }
            let count = Double((0..<train.count).filter { train.items[$0] == item }.count)
            for i in 0..<3 { a[i][i] += 0.3 * pow(1 + count, Double(lambdaPower)) }
            let x = multiply(inverse(a), b.map { [$0] }).map { $0[0] }
            for i in 0..<3 { XCTAssertEqual(Double(als.itemFactors[flat: item * 3 + i]), x[i], accuracy: 1e-4) }
        }
        let again = try ALSScorer(train: train, users: 5, items: 4, options: o, seed: 7)
        XCTAssertEqual((0..<12).map { als.itemFactors[flat: $0] }, (0..<12).map { again.itemFactors[flat: $0] })
        if lambdaPower > 0 {     // the scaled penalty really changes the fit
            o.lambdaPower = 0
            let plain = try ALSScorer(train: train, users: 5, items: 4, options: o, seed: 7)
            XCTAssertNotEqual((0..<12).map { als.itemFactors[flat: $0] }, (0..<12).map { plain.itemFactors[flat: $0] })
        }
    }

    /// With content, each content column is a pseudo-user with count weight × value on each
    /// item: the item factors solve the normal equations over the real users and those.
    func testALSWithContentSolvesTheNormalEquationsWithPseudoUsers() throws {
        let train = events([(0, 0), (0, 1), (1, 1), (1, 2), (2, 0), (2, 2), (2, 3), (3, 3), (3, 1), (4, 0), (4, 0)])
        let content: [[Float]] = [[1, 0], [0, 0.5], [1, 1], [0, 0]]
        let weight: Float = 1.5
        var o = ALSScorer.Options()
        (o.factors, o.lambda, o.alpha, o.iterations, o.lambdaPower) = (3, 0.3, 2, 4, 0.5)
        let als = try ALSScorer(train: train, users: 5, items: 4, options: o, content: try Tensor(rows: content), contentWeight: weight, seed: 7)
        XCTAssertEqual(als.userFactors.shape, Shape(5, 3))
        let pseudo = try XCTUnwrap(als.contentFactors)
        let u = (0..<5).map { r in (0..<3).map { Double(als.userFactors[flat: r * 3 + $0]) } }
            + (0..<2).map { r in (0..<3).map { Double(pseudo[flat: r * 3 + $0]) } }
        for item in 0..<4 {
            var a = [[Double]](repeating: [0, 0, 0], count: 3), b = [0.0, 0, 0], total = 0.0
            for user in 0..<7 {
                let n = user < 5 ? Double((0..<train.count).filter { train.users[$0] == user && train.items[$0] == item }.count)
                                 : Double(weight * content[item][user - 5])
                total += n
                let c = 1 + 2 * n, p = n > 0 ? 1.0 : 0
                for i in 0..<3 { b[i] += c * p * u[user][i]; for j in 0..<3 { a[i][j] += c * u[user][i] * u[user][j] } }
            }
            for i in 0..<3 { a[i][i] += 0.3 * pow(1 + total, 0.5) }
            let x = multiply(inverse(a), b.map { [$0] }).map { $0[0] }
            for i in 0..<3 { XCTAssertEqual(Double(als.itemFactors[flat: item * 3 + i]), x[i], accuracy: 1e-4, "item \(item)") }
        }
        let plain = try ALSScorer(train: train, users: 5, items: 4, options: o, seed: 7)
        XCTAssertNotEqual((0..<12).map { als.itemFactors[flat: $0] }, (0..<12).map { plain.itemFactors[flat: $0] })
        XCTAssertThrowsError(try ALSScorer(train: train, users: 5, items: 4, options: o, content: Tensor.zeros(3, 2), seed: 7))
        XCTAssertThrowsError(try ALSScorer(train: train, users: 5, items: 4, options: o, content: try Tensor(rows: [[1], [-1], [0], [0]]), seed: 7))
        XCTAssertThrowsError(try ALSScorer(train: train, users: 5, items: 4, options: o, content: try Tensor(rows: content), contentWeight: 0, seed: 7))
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

/// route on ML-100K: warm items scored by one scorer, cold ones by the other, row for row,
/// so its evaluation on each validation part is that part's scorer's.
extension ClassicBaselineTests {
    func testRouteScoresWarmItemsByOneScorerAndColdItemsByTheOther() throws {
        let s = try HybridTests.setup.get()
        let (users, items, train) = (s.ml.users.count, s.ml.items.count, s.split.train)
        let ease = try EASEScorer(train: train, users: users, items: items, lambda: 250)
        let ridge = try ContentRidgeScorer(content: s.content, train: train, users: users, lambda: 100)
        let routed = try RoutedScorer(warm: ease, cold: ridge, train: train)
        let warmItem = s.split.validWarm.items[0], coldItem = s.split.validCold.items[0]
        let mixed: [Int32] = [coldItem, warmItem, coldItem]
        let (r, e, c) = (try routed.scores(items: mixed), try ease.scores(items: [warmItem]), try ridge.scores(items: [coldItem]))
        // One item's scores alone and among others are one product's column against a
        // column of a wider product: OpenBLAS's SSE3 kernels (OPENBLAS_CORETYPE=Prescott, or a
        // CPU without AVX2) take those in other orders, so they agree to rounding, not bits.
        func same(_ x: Float, _ y: Float, _ what: String) { XCTAssertEqual(x, y, accuracy: 1e-6 * max(1, abs(y)), what) }
        for u in 0..<users {
            same(r[flat: users + u], e[flat: u], "warm item, user \(u)")
            same(r[flat: u], c[flat: u], "cold item, user \(u)")
            same(r[flat: 2 * users + u], c[flat: u], "cold item again, user \(u)")
        }
        func ndcg(_ scorer: any UserScorer, _ test: Events) throws -> Evaluation {
            try Evaluator.evaluate(scorer, test: test, train: train, items: items)
        }
        XCTAssertEqual(try ndcg(routed, s.split.validWarm).warm.ndcg, try ndcg(ease, s.split.validWarm).warm.ndcg)
        XCTAssertEqual(try ndcg(routed, s.split.validCold).cold.ndcg, try ndcg(ridge, s.split.validCold).cold.ndcg)
        XCTAssertGreaterThan(try ndcg(routed, s.split.validCold).cold.ndcg, try ndcg(ease, s.split.validCold).cold.ndcg + 0.05)
        XCTAssertThrowsError(try RoutedScorer(warm: ease, cold: PopularityScorer(train: train, users: users + 1), train: train))
    }
}
