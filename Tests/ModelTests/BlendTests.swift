import XCTest
@testable import Model

/// Blends on a common scale, the search of their weights on validation, and the content →
/// item-vector mapping for cold items.
final class BlendTests: XCTestCase {
    func events(_ pairs: [(Int32, Int32)]) -> Events {
        var e = Events()
        for (u, i) in pairs { e.append(user: u, item: i, rating: 5, time: 0) }
        return e
    }

    typealias Scorer = any UserScorer

    /// Fixed scores per (item, user).
    final class Fixed: UserScorer {
        let users: Int
        let table: [[Float]]
        init(_ t: [[Float]]) { table = t; users = t[0].count }
        func scores(items: [Int32]) throws -> Tensor { try Tensor(rows: items.map { table[Int($0)] }) }
    }

    func testRanksShareTiesAndZScoresAreStandardised() {
        var row: [Float] = [3, 1, 3, 2], order = [Int32](repeating: 0, count: 4)
        row.withUnsafeMutableBufferPointer { BlendScorer.rankRow($0.baseAddress!, 4, &order) }
        for (x, e) in zip(row, [5.0 / 6, 0, 5.0 / 6, 1.0 / 3]) { XCTAssertEqual(Double(x), e, accuracy: 1e-6) }
        var z: [Float] = [1, 2, 3, 6]
        z.withUnsafeMutableBufferPointer { BlendScorer.zRow($0.baseAddress!, 4) }
        let sd = (((1 - 3) * (1 - 3) + 1 + 0 + 9) / 4.0).squareRoot()
        for (x, v) in zip(z, [1.0, 2, 3, 6]) { XCTAssertEqual(Double(x), (v - 3) / sd, accuracy: 1e-6) }
        var flat: [Float] = [2, 2, 2]
        flat.withUnsafeMutableBufferPointer { BlendScorer.zRow($0.baseAddress!, 3) }
        XCTAssertEqual(flat, [0, 0, 0])
    }

    func testAFixedBlendIsTheWeightedSumOfRanks() throws {
        // Raw scales differ by 1000×: a raw sum would follow b alone.
        let a = Fixed([[0.1, 0.3, 0.2], [0.9, 0.8, 0.7]]), b = Fixed([[300, 100, 200], [100, 200, 300]])
        let blend = try BlendScorer([a, b], names: ["a", "b"], weights: [0.75, 0.25], scale: .rank)
        let s = try blend.scores(items: [0, 1])
        let expected: [Float] = [0.75 * 0 + 0.25 * 1, 0.75 * 1 + 0.25 * 0, 0.75 * 0.5 + 0.25 * 0.5,
                                 0.75 * 1 + 0.25 * 0, 0.75 * 0.5 + 0.25 * 0.5, 0.75 * 0 + 0.25 * 1]
        for (x, e) in zip((0..<6).map { s[flat: $0] }, expected) { XCTAssertEqual(x, e, accuracy: 1e-6) }
        XCTAssertThrowsError(try BlendScorer([a, b], names: ["a", "b"], weights: [1], scale: .rank))
        XCTAssertThrowsError(try BlendScorer([a, b], names: ["a", "b"], weights: [0, 0], scale: .rank))
        XCTAssertThrowsError(try BlendScorer([a, Fixed([[1, 2]])], names: ["a", "c"], weights: [1, 1], scale: .z))
        let nan = Fixed([[.nan, 1, 2], [1, 2, 3]])
        XCTAssertThrowsError(try BlendScorer([a, nan], names: ["a", "nan"], weights: [1, 1], scale: .rank).scores(items: [0])) {
            XCTAssertTrue("\($0)".contains("nan gives a non-finite score"), "\($0)")
        }
    }

    func testMixesAreNormalisedAndDistinct() {
        let m = BlendSearch.mixes(parts: 2, levels: [0, 0.5, 1])
        XCTAssertEqual(m.count, 5)
        XCTAssertEqual(m.first, [0, 1])
        XCTAssertTrue(m.contains([0.5, 0.5]) && m.contains([1, 0]))
        XCTAssertEqual(BlendSearch.mixes(parts: 3, levels: [1]), [[0.333333, 0.333333, 0.333333]])
    }

    /// Validation decides: a part that ranks the validation users right gets the weight, and
    /// the same search twice chooses the same.
    /// bag: a half holding only items the part does not count (here cold ones, for part warm)
    /// has nothing to choose on and is left out of the mean.
    func testBaggingLeavesOutHalvesWithoutItemsThePartCounts() throws {
        let items = 5
        let train = events([(0, 0), (1, 1), (2, 2)])
        let valid = events([(4, 0), (5, 1), (3, 2), (1, 3), (2, 4)])
        let good = Fixed([[0, 0, 0, 0, 5, 1], [0, 0, 0, 1, 0, 5], [0, 0, 0, 5, 1, 0], [0, 5, 1, 0, 0, 0], [0, 0, 5, 0, 0, 1]])
        let noise = Fixed([[5, 4, 3, 2, 1, 0], [5, 4, 3, 2, 1, 0], [0, 1, 5, 0, 2, 4], [1, 2, 3, 4, 5, 0], [3, 3, 1, 0, 0, 2]])
        func choose(_ v: Events, bag: Int = 0) throws -> BlendSearch.Choice {
            // good first: a half with nothing to choose on would keep the first mix, all on noise.
            try BlendSearch.choose([good, noise], names: ["good", "noise"], levels: [0, 0.5, 1], scale: .rank, valid: v, train: train,
                                   items: items, k: 2, part: \.warm, bag: bag)
        }
        var kept: [[Float]] = [], skipped = 0
        for seed in 1...24 {
            var order: [Int32] = [0, 1, 2, 3, 4]
            RandomSource(seed: UInt64(seed)).shuffle(&order)
            let half = Set(order.prefix(2))
            if half.isSubset(of: [3, 4]) { skipped += 1; continue }
            kept.append(try choose(valid.filter { half.contains(valid.items[$0]) }).best.weights)
        }
        XCTAssertGreaterThan(skipped, 0, "some half holds cold items only")
        var mean = [Float](repeating: 0, count: 2)
        for w in kept { for p in 0..<2 { mean[p] += w[p] / Float(kept.count) } }
        XCTAssertEqual(try choose(valid, bag: 24).best.weights, mean)
        XCTAssertGreaterThan(mean[0], 0.5, "the halves with warm items lean on good")
    }

    func testTheSearchPicksTheInformativePartOnValidation() throws {
        let items = 3
        let train = events([(0, 0), (1, 1), (2, 2)])
        let valid = events([(4, 0), (5, 1), (3, 2)])
        let good = Fixed([[0, 0, 0, 0, 5, 1], [0, 0, 0, 1, 0, 5], [0, 0, 0, 5, 1, 0]])
        let noise = Fixed([[5, 4, 3, 2, 1, 0], [5, 4, 3, 2, 1, 0], [0, 1, 5, 0, 2, 4]])
        let choice = try BlendSearch.choose([noise, good], names: ["noise", "good"], levels: [0, 0.5, 1], scale: .rank,
                                            valid: valid, train: train, items: items, k: 2, part: \.warm)
        let (best, trials) = (choice.best, choice.trials)
        XCTAssertNil(choice.crossFitted)
        XCTAssertEqual(best.weights, [0, 1])
        XCTAssertEqual(trials.count, 5)
        XCTAssertEqual(trials.first { $0.weights == [0, 1] }?.metric ?? 0, 1, accuracy: 1e-9)
        XCTAssertLessThan(trials.first { $0.weights == [1, 0] }!.metric, 0.8)
        let again = try BlendSearch.choose([noise, good], names: ["noise", "good"], levels: [0, 0.5, 1], scale: .rank,
                                           valid: valid, train: train, items: items, k: 2, part: \.warm)
        XCTAssertEqual(again.trials.map(\.metric), trials.map(\.metric))
        // The blend scores what the search evaluated.
        let direct = try Evaluator.evaluate(best, test: valid, train: train, items: items, k: 2)
        XCTAssertEqual(direct.warm.ndcg, 1, accuracy: 1e-9)
        XCTAssertThrowsError(try BlendSearch.choose([good], names: ["good"], levels: [0], scale: .rank, valid: valid, train: train,
                                                    items: items, k: 2, part: \.all))
        // Too many mixes is an error before any is listed (11⁶ > 100000), not a long wait.
        XCTAssertThrowsError(try BlendSearch.choose([Scorer](repeating: good, count: 6), names: (0..<6).map { "p\($0)" },
                                                    levels: (0...10).map { Float($0) / 10 }, scale: .rank, valid: valid, train: train,
                                                    items: items, k: 2, part: \.all)) {
            XCTAssertTrue("\($0)".contains("1771561 mixes"), "\($0)")
        }
    }
}

/// The cross-fitted ndcg: weights chosen on each half of the validation items, scored on the other.
extension BlendTests {
    /// Six items; part a ranks the even items' validation users first, part b the odd ones',
    /// and part c is wrong everywhere. The figure equals the two half-searches recomposed by
    /// hand (alternate items in id order, each half's choice evaluated on the other half,
    /// weighted by items), and it lies below the full search's optimistic best.
    func testCrossFittedNdcgScoresEachHalfsChoiceOnTheOtherHalf() throws {
        let items = 6, users = 8
        var trainPairs: [(Int32, Int32)] = [], validPairs: [(Int32, Int32)] = []
        for i in 0..<Int32(items) {
            trainPairs.append((i, i))
            validPairs.append(((i + 3) % 8, i))
            if i % 3 == 0 { validPairs.append(((i + 5) % 8, i)) }
        }
        let train = events(trainPairs), valid = events(validPairs)
        func table(_ f: (Int, Int) -> Float) -> Fixed { Fixed((0..<items).map { i in (0..<users).map { u in f(i, u) } }) }
        let relevant = { (i: Int, u: Int) -> Bool in u == (i + 3) % 8 || (i % 3 == 0 && u == (i + 5) % 8) }
        let a = table { i, u in i % 2 == 0 && relevant(i, u) ? 5 : Float((u * 7 + i) % 5) }
        let b = table { i, u in i % 2 == 1 && relevant(i, u) ? 5 : Float((u * 3 + i * 2) % 5) }
        let c = table { i, u in relevant(i, u) ? 0 : Float((u + i) % 4) + 1 }
        let parts: [Scorer] = [a, b, c], names = ["a", "b", "c"], levels: [Float] = [0, 0.5, 1]
        func choose(_ v: Events, crossFit: Bool = false, refine: Bool = false) throws -> BlendSearch.Choice {
            try BlendSearch.choose(parts, names: names, levels: levels, scale: .z, valid: v, train: train, items: items, k: 2,
                                   part: \.warm, refine: refine, crossFit: crossFit)
        }
        for refine in [false, true] {
            let full = try choose(valid, crossFit: true, refine: refine)
            let halves = (0..<2).map { h in valid.filter { Int(valid.items[$0]) % 2 == h } }
            var sum = 0.0, count = 0
            for h in 0..<2 {
                let w = try choose(halves[h], refine: refine).best.weights
                let m = try Evaluator.evaluate(try BlendScorer(parts, names: names, weights: w, scale: .z), test: halves[1 - h],
                                               train: train, items: items, k: 2).warm
                sum += m.ndcg * Double(m.items)
                count += m.items
            }
            XCTAssertEqual(count, items)
            let crossFitted = try XCTUnwrap(full.crossFitted)
            XCTAssertEqual(crossFitted, sum / Double(count), accuracy: 1e-12)
            XCTAssertLessThan(crossFitted, full.trials.map(\.metric).max()! - 0.05, "each half's choice should miss the other half")
            // The cross-fit leaves the choice on all of validation as it was.
            XCTAssertEqual(full.best.weights, try choose(valid, refine: refine).best.weights)
            // Two threads rank the items side by side: the same trials and figures, bit for bit.
            let two = try BlendSearch.choose(parts, names: names, levels: levels, scale: .z, valid: valid, train: train, items: items,
                                             k: 2, part: \.warm, refine: refine, crossFit: true, threads: 2)
            XCTAssertEqual(two.trials.map(\.weights), full.trials.map(\.weights))
            XCTAssertEqual(two.trials.map(\.metric.bitPattern), full.trials.map(\.metric.bitPattern))
            XCTAssertEqual(try XCTUnwrap(two.crossFitted).bitPattern, crossFitted.bitPattern)
            // bag: n, the mean of the weights chosen on n halves of the items drawn from seeds 1…n.
            let ids = Array(Set(valid.items)).sorted()
            func half(_ seed: UInt64, of v: Events) -> Events {
                var order = Array(Set(v.items)).sorted()
                RandomSource(seed: seed).shuffle(&order)
                let kept = Set(order.prefix(Swift.max(1, order.count / 2)))
                return v.filter { kept.contains(v.items[$0]) }
            }
            XCTAssertEqual(ids.count, items)
            let bagged = try BlendSearch.choose(parts, names: names, levels: levels, scale: .z, valid: valid, train: train, items: items,
                                                k: 2, part: \.warm, refine: refine, bag: 3)
            var mean = [Float](repeating: 0, count: parts.count)
            for seed in 1...3 {
                let w = try choose(half(UInt64(seed), of: valid), refine: refine).best.weights
                for p in mean.indices { mean[p] += w[p] / 3 }
            }
            XCTAssertEqual(bagged.best.weights, mean)
            XCTAssertEqual(bagged.best.weights.reduce(0, +), 1, accuracy: 1e-5)
            let direct = try Evaluator.evaluate(bagged.best, test: valid, train: train, items: items, k: 2).warm.ndcg
            XCTAssertEqual(bagged.ndcg, direct, accuracy: 1e-12, "the note's figure is the bagged weights' own")
            XCTAssertEqual(try BlendSearch.choose(parts, names: names, levels: levels, scale: .z, valid: valid, train: train, items: items,
                                                  k: 2, part: \.warm, refine: refine, bag: 3, threads: 2).best.weights, mean)
            // The search ranks only each item's top k: its ndcg is a whole evaluation's.
            for t in full.trials.prefix(5) {
                let whole = try Evaluator.evaluate(try BlendScorer(parts, names: names, weights: t.weights, scale: .z), test: valid,
                                                   train: train, items: items, k: 2)
                XCTAssertEqual(whole.warm.ndcg.bitPattern, t.metric.bitPattern)
                XCTAssertGreaterThan(whole.warm.mrr, 0, "a whole evaluation still ranks every user (mrr, auc)")
            }
        }
    }
}

/// The refinement after the grid: coordinate steps on a metric known in closed form.
extension BlendTests {
    /// A smooth metric peaked at (0.3, 0.5, 0.2): from the grid's (0.25, 0.5, 0.25) the steps
    /// of 0.125 down to 0.015625 reach it within the last step, each mix evaluated once.
    func testRefinementClimbsToTheOptimumBetweenTheLevels() {
        let target: [Float] = [0.3, 0.5, 0.2]
        var evaluated: [[Float]] = []
        func metric(_ w: [Float]) -> Double {
            evaluated.append(w)
            return -zip(w, target).map { Double(($0 - $1) * ($0 - $1)) }.reduce(0, +)
        }
        let start = BlendSearch.Trial(weights: [0.25, 0.5, 0.25], metric: metric([0.25, 0.5, 0.25]))
        let trials = BlendSearch.refined(from: start, step: BlendSearch.finestGap([0, 0.25, 0.5, 0.75, 1]) / 2, seen: [start.weights], metric: metric)
        let best = trials.max { $0.metric < $1.metric }!
        XCTAssertGreaterThan(best.metric, start.metric)
        for (w, t) in zip(best.weights, target) { XCTAssertEqual(w, t, accuracy: 0.02) }
        XCTAssertEqual(best.weights.reduce(0, +), 1, accuracy: 1e-5)
        XCTAssertEqual(Set(evaluated).count, evaluated.count, "a mix evaluated twice")
        XCTAssertTrue(trials.allSatisfy { $0.weights.allSatisfy { $0 >= 0 } })
        XCTAssertLessThanOrEqual(trials.count, 400)
        XCTAssertEqual(BlendSearch.finestGap([0, 1, 0.25, 0.5]), 0.25)
        XCTAssertEqual(BlendSearch.finestGap([1]), 1)
    }

    /// Through the search: refine keeps the grid's mixes, adds finer ones, never chooses worse,
    /// and chooses the same twice.
    func testRefinedSearchIsNeverWorseThanTheGridAndRepeats() throws {
        let items = 3
        let train = events([(0, 0), (1, 1), (2, 2)])
        let valid = events([(4, 0), (5, 1), (3, 2), (2, 0), (0, 1)])
        let a = Fixed([[0, 1, 2, 0, 5, 1], [3, 0, 0, 1, 0, 5], [0, 0, 0, 5, 1, 0]])
        let b = Fixed([[5, 4, 3, 2, 1, 0], [5, 4, 3, 2, 1, 0], [0, 1, 5, 0, 2, 4]])
        let c = Fixed([[1, 3, 0, 2, 2, 1], [0, 2, 1, 3, 1, 0], [2, 0, 1, 1, 0, 3]])
        func run(_ refine: Bool) throws -> (BlendScorer, [BlendSearch.Trial]) {
            let c = try BlendSearch.choose([a, b, c], names: ["a", "b", "c"], levels: [0, 0.5, 1], scale: .z, valid: valid, train: train,
                                   items: items, k: 3, part: \.warm, refine: refine)
            return (c.best, c.trials)
        }
        let (grid, gridTrials) = try run(false)
        let (fine, fineTrials) = try run(true)
        XCTAssertEqual(fineTrials.prefix(gridTrials.count).map(\.weights), gridTrials.map(\.weights))
        XCTAssertGreaterThan(fineTrials.count, gridTrials.count)
        let gridBest = gridTrials.map(\.metric).max()!, fineBest = fineTrials.map(\.metric).max()!
        XCTAssertGreaterThanOrEqual(fineBest, gridBest)
        let direct = try Evaluator.evaluate(fine, test: valid, train: train, items: items, k: 3)
        XCTAssertEqual(direct.warm.ndcg, fineBest, accuracy: 1e-6)
        XCTAssertEqual(try run(true).0.weights, fine.weights)
        if fineBest == gridBest { XCTAssertEqual(fine.weights, grid.weights) }
    }
}

/// The content → item-vector ridge for cold items against the closed form in double precision.
extension BlendTests {
    func testMappedColdVectorsMatchTheRidgeComputedDirectly() throws {
        let content: [[Double]] = [[1, 0.5], [0.2, 1], [0.9, 0.1], [0.4, 0.3], [1, 1]]
        let vectors: [[Double]] = [[1, -1, 0.5], [0.2, 0.3, 0.1], [-0.5, 0.8, 1], [0.7, 0.7, -0.2], [9, 9, 9]]
        let userVectors: [[Float]] = [[1, 0, 0], [0, 1, 0], [0.5, 0.5, 1]]
        let train = events([(0, 0), (1, 1), (2, 2), (0, 3), (1, 3)])   // item 4 is cold: its vector is replaced
        let lambda = 0.4
        let warm = [0, 1, 2, 3]
        func mean(_ m: [[Double]]) -> [Double] { (0..<m[0].count).map { j in m.map { $0[j] }.reduce(0, +) / Double(m.count) } }
        let (mf, mv) = (mean(warm.map { content[$0] }), mean(warm.map { vectors[$0] }))
        let f = warm.map { zip(content[$0], mf).map { $0 - $1 } }, y = warm.map { zip(vectors[$0], mv).map { $0 - $1 } }
        // 2 × 2 normal equations solved by hand.
        var a = [[0.0, 0], [0, 0]]
        for r in f { for i in 0..<2 { for j in 0..<2 { a[i][j] += r[i] * r[j] } } }
        a[0][0] += lambda; a[1][1] += lambda
        let det = a[0][0] * a[1][1] - a[0][1] * a[1][0]
        let inv = [[a[1][1] / det, -a[0][1] / det], [-a[1][0] / det, a[0][0] / det]]
        let fy = (0..<2).map { i in (0..<3).map { c in zip(f, y).map { $0[i] * $1[c] }.reduce(0, +) } }
        let w = (0..<2).map { i in (0..<3).map { c in inv[i][0] * fy[0][c] + inv[i][1] * fy[1][c] } }
        let cold = (0..<3).map { c in mv[c] + (content[4][0] - mf[0]) * w[0][c] + (content[4][1] - mf[1]) * w[1][c] }
        let offset: [Float] = [0.1, -0.2, 0.3]
        let scorer = try ContentMappedScorer(itemVectors: Tensor(rows: vectors.map { $0.map(Float.init) }),
                                             userVectors: Tensor(rows: userVectors), userOffset: offset,
                                             content: Tensor(rows: content.map { $0.map(Float.init) }), train: train, lambda: Float(lambda))
        let s = try scorer.scores(items: [4, 0])
        for u in 0..<3 {
            let expected = zip(cold, userVectors[u]).map { $0 * Double($1) }.reduce(0, +) + Double(offset[u])
            XCTAssertEqual(Double(s[flat: u]), expected, accuracy: 1e-4, "cold item, user \(u)")
            let kept = zip(vectors[0], userVectors[u]).map { $0 * Double($1) }.reduce(0, +) + Double(offset[u])
            XCTAssertEqual(Double(s[flat: 3 + u]), kept, accuracy: 1e-5, "warm item keeps its vector, user \(u)")
        }
        XCTAssertNotEqual(Double(s[flat: 0]), 9 + 0.1, accuracy: 1e-3)   // not item 4's own (untrained) vector
        let t = try Tensor(rows: vectors.map { $0.map(Float.init) }), c = try Tensor(rows: content.map { $0.map(Float.init) })
        XCTAssertThrowsError(try ContentMappedScorer(itemVectors: t, userVectors: Tensor(rows: userVectors), content: c, train: train, lambda: 0))
        XCTAssertThrowsError(try ContentMappedScorer(itemVectors: t, userVectors: Tensor.zeros(3, 2), content: c, train: train, lambda: 1))
        XCTAssertThrowsError(try ContentMappedScorer(itemVectors: t, userVectors: Tensor(rows: userVectors), content: Tensor.zeros(4, 2),
                                                     train: train, lambda: 1))
        XCTAssertThrowsError(try ContentMappedScorer(itemVectors: t, userVectors: Tensor(rows: userVectors), content: c,
                                                     train: events([(7, 0)]), lambda: 1))
    }
}

/// Weights chosen per group of items by their training events (`by_events`).
extension BlendTests {
    func testEventCountGroupsSplitItemsAtTheBounds() throws {
        // Item 0: 1 event, item 1: 3, item 2: 5, item 3: none (cold); item 7 is past the end.
        let train = events([(0, 0), (0, 1), (1, 1), (2, 1), (0, 2), (1, 2), (2, 2), (3, 2), (4, 2)])
        let g = try EventCountGroups(bounds: [2, 5], train: train)
        XCTAssertEqual(g.count, 3)
        XCTAssertEqual([0, 1, 2, 3, 7].map { g.group(of: $0) }, [0, 1, 2, 0, 0])
        XCTAssertEqual((0..<3).map(g.describe), ["0–1 training events", "2–4 training events", "5 or more training events"])
        XCTAssertEqual(try EventCountGroups(bounds: [1], train: train).describe(0), "0 training events")
        XCTAssertEqual(g.events(train, inGroup: 1).count, 3)
        XCTAssertThrowsError(try EventCountGroups(bounds: [5, 2], train: train))
        XCTAssertThrowsError(try EventCountGroups(bounds: [0], train: train))
    }

    /// Items 0–2 have one training event, items 3–5 three. Part a ranks the validation users of
    /// the few-event items right, part b those of the others: one blend can't have both, the
    /// grouped one takes a for group 0 and b for group 1. Each group's choice is the search on
    /// that group's validation events alone, and the overall figures are their item-weighted means.
    func testAGroupedBlendChoosesEachGroupsWeightsOnItsOwnItems() throws {
        let items = 6, users = 8
        var trainPairs: [(Int32, Int32)] = [], validPairs: [(Int32, Int32)] = []
        for i in 0..<Int32(items) {
            for e in 0..<(i < 3 ? 1 : 3) { trainPairs.append(((i + Int32(e)) % 8, i)) }
            validPairs.append(((i + 4) % 8, i))
        }
        let train = events(trainPairs), valid = events(validPairs)
        func table(_ f: (Int, Int) -> Float) -> Fixed { Fixed((0..<items).map { i in (0..<users).map { u in f(i, u) } }) }
        let relevant = { (i: Int, u: Int) -> Bool in u == (i + 4) % 8 }
        let a = table { i, u in i < 3 && relevant(i, u) ? 9 : Float((u * 5 + i) % 7) }
        let b = table { i, u in i >= 3 && relevant(i, u) ? 9 : Float((u * 3 + i * 2) % 7) }
        let parts: [Scorer] = [a, b], names = ["a", "b"]
        let groups = try EventCountGroups(bounds: [2], train: train)
        let grouped = try BlendSearch.choose(parts, names: names, levels: [0, 0.5, 1], scale: .z, valid: valid, train: train,
                                             items: items, k: 1, part: \.warm, groups: groups, crossFit: true)
        XCTAssertEqual(grouped.choices.map(\.best.weights), [[1, 0], [0, 1]])
        XCTAssertEqual(grouped.ndcg, 1, accuracy: 1e-9)
        for g in 0..<2 {
            let alone = try BlendSearch.choose(parts, names: names, levels: [0, 0.5, 1], scale: .z, valid: groups.events(valid, inGroup: g),
                                               train: train, items: items, k: 1, part: \.warm, crossFit: true)
            XCTAssertEqual(alone.trials.map(\.metric), grouped.choices[g].trials.map(\.metric))
            XCTAssertEqual(alone.crossFitted, grouped.choices[g].crossFitted)
        }
        let cross = grouped.choices.map { $0.crossFitted! * Double($0.items) }.reduce(0, +) / Double(items)
        XCTAssertEqual(try XCTUnwrap(grouped.crossFitted), cross, accuracy: 1e-12)
        // The routed scorer scores each item with its group's blend: all of validation at 1.
        XCTAssertEqual(try Evaluator.evaluate(grouped.scorer, test: valid, train: train, items: items, k: 1).warm.ndcg, 1, accuracy: 1e-9)
        let single = try BlendSearch.choose(parts, names: names, levels: [0, 0.5, 1], scale: .z, valid: valid, train: train,
                                            items: items, k: 1, part: \.warm)
        XCTAssertLessThan(single.ndcg, 0.9)
        // A group without validation items of the part can't choose its weights.
        XCTAssertThrowsError(try BlendSearch.choose(parts, names: names, levels: [0, 1], scale: .z, valid: valid, train: train, items: items,
                                                    k: 1, part: \.warm, groups: try EventCountGroups(bounds: [2, 10], train: train))) {
            XCTAssertTrue("\($0)".contains("no validation items with 10 or more training events"), "\($0)")
        }
    }
}
