#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CKernels

/// Ranking quality in the flip scenario, averaged over test items: for each item, all users
/// are ranked (users with a training event on the item excluded) and the item's test users
/// are the relevant ones.
/// - recall@k: relevant users in the top k / min(relevant, k);
/// - ndcg@k: binary-relevance DCG of the top k / the best possible;
/// - mrr: 1 / the rank of the best-ranked relevant user;
/// - auc: the share of (relevant, other) user pairs ordered correctly (ties count half).
/// recall@k, ndcg@k and auc count ties by expectation over the orders of the tied users (each
/// of g tied users holds each of their places with chance 1/g; a tied pair counts half), so a
/// scorer that gives every user one score for an item (EASE on a cold item) reads as random
/// there, whatever the users' index order. mrr takes the best relevant user at the mean of its
/// tied places (1 / its expected rank, not the expected reciprocal rank), so such a scorer
/// reads below random on mrr.
public struct RankingMetrics: Sendable, CustomStringConvertible {
    public var recall = 0.0, ndcg = 0.0, mrr = 0.0, auc = 0.0
    public var items = 0

    public var description: String {
        String(format: "recall %.4f  ndcg %.4f  mrr %.4f  auc %.4f  (%d items)", recall, ndcg, mrr, auc, items)
    }

    mutating func add(_ m: ItemMetrics) {
        recall += m.recall; ndcg += m.ndcg; mrr += m.mrr; auc += m.auc; items += 1
    }

    /// Sums (not yet averaged) of two parts: warm + cold = all.
    mutating func merge(_ o: RankingMetrics) {
        recall += o.recall; ndcg += o.ndcg; mrr += o.mrr; auc += o.auc; items += o.items
    }

    func averaged() -> RankingMetrics {
        guard items > 0 else { return self }
        let d = Double(items)
        return RankingMetrics(recall: recall / d, ndcg: ndcg / d, mrr: mrr / d, auc: auc / d, items: items)
    }
}

public struct Evaluation: Sendable, CustomStringConvertible {
    public let k: Int
    public let all: RankingMetrics
    public let warm: RankingMetrics
    public let cold: RankingMetrics
    /// Test pairs (each user and item once) left out because the model was fitted on them:
    /// none when the test events are a part of the model's own split.
    public var leftOut = 0

    public var description: String {
        var lines = ["k = \(k)", "all   \(all)"]
        if warm.items > 0 { lines.append("warm  \(warm)") }
        if cold.items > 0 { lines.append("cold  \(cold)") }
        return lines.joined(separator: "\n")
    }
}

/// The parts an evaluation ranks against, checked and grouped by item once: a blend's search
/// evaluates thousands of mixes on the same validation events.
public struct EvaluationPlan: Sendable {
    public let users: Int, items: Int
    let trainByItem: GroupedIndex<Int32>, testByItem: GroupedIndex<Int32>
    /// The items with test events, in id order.
    let testItems: [Int32]

    public init(test: Events, train: Events, users: Int, items: Int) throws {
        try Evaluator.checkIds(test, "test", users: users, items: items)
        try Evaluator.checkIds(train, "training", users: users, items: items)
        (self.users, self.items) = (users, items)
        trainByItem = GroupedIndex(keys: train.items, values: train.users, groups: items)
        let byItem = GroupedIndex(keys: test.items, values: test.users, groups: items)
        testByItem = byItem
        testItems = (0..<Int32(items)).filter { byItem.count($0) > 0 }
    }
}

public enum Evaluator {
    /// Ranks all users for each item of `test`. Items that never occur in `train` are cold.
    /// Scores come in tiles of items, one product each; the top k is kept with a running
    /// heap per item, never by sorting all scores. A k above the number of users ranks every
    /// user (the metrics of k = users; `Evaluation.k` says so). Scores that are NaN or
    /// infinite make no ranking: they are counted over every tile and thrown as
    /// `NonFiniteScores`, never averaged into numbers that look like results.
    /// `threads` rank a tile's items side by side (each with its own marks and heap); the
    /// items' metrics are summed in item order, so every thread count gives the same numbers.
    /// A tile holds at most `BufferPool.largest` scores, so its buffer is reused from tile to
    /// tile instead of being fresh memory (page faults) every time.
    public static func evaluate(_ scorer: any UserScorer, test: Events, train: Events, items: Int, k: Int = 20,
                                tile: Int = 256, threads: Int = 1, shouldStop: () -> Bool = { false },
                                monitor: (any ProgressMonitor)? = nil) throws -> Evaluation {
        let plan = try EvaluationPlan(test: test, train: train, users: scorer.users, items: items)
        return try evaluate(scorer, plan: plan, k: k, tile: tile, threads: threads, shouldStop: shouldStop, monitor: monitor)
    }

    /// The same on parts grouped beforehand (`plan`: its users must be the scorer's). With
    /// `onlyTopK`, recall@k and ndcg@k alone: mrr and auc are left 0 (their counting pass over
    /// all users is a third of ranking an item, and a blend's search reads ndcg alone).
    public static func evaluate(_ scorer: any UserScorer, plan: EvaluationPlan, k: Int = 20, tile: Int = 256,
                                threads: Int = 1, onlyTopK: Bool = false, shouldStop: () -> Bool = { false },
                                monitor: (any ProgressMonitor)? = nil) throws -> Evaluation {
        guard k >= 1 else { throw ModelError("evaluate", "k must be at least 1, got \(k)") }
        let users = scorer.users
        guard plan.users == users else {
            throw ModelError("evaluate", "the events were checked against \(plan.users) users, but the scorer has \(users)")
        }
        let depth = Swift.min(k, users)
        let (trainByItem, testByItem, testItems) = (plan.trainByItem, plan.testByItem, plan.testItems)
        var warm = RankingMetrics(), cold = RankingMetrics()
        let scratch = (0..<Swift.max(1, threads)).map { _ in RankingScratch(users: users, depth: depth) }
        var bad = NonFiniteScores(users: users), leftOut = 0
        let tile = Swift.max(1, Swift.min(tile, BufferPool.largest / Swift.max(users, 1)))
        for start in stride(from: 0, to: testItems.count, by: tile) {
            if shouldStop() { throw Cancelled() }
            try monitor?.advance(Double(start) / Double(Swift.max(testItems.count, 1)), "ranking all users for \(testItems.count) items")
            let ids = Array(testItems[start..<Swift.min(testItems.count, start + tile)])
            let scores = try scorer.scores(items: ids)
            guard scores.shape == Shape(ids.count, users) else {
                throw ModelError("evaluate", "scorer gave \(scores.shape) for \(ids.count) items × \(users) users")
            }
            BLAS.parkThreads()  // the cores are the ranking's until the next tile's product
            if bad.found {  // only counting from here on
                bad.count(scores, items: ids.count)
                continue
            }
            let rows = rankTile(scores, ids, trainByItem: trainByItem, testByItem: testByItem, scratch: scratch, k: depth,
                                onlyTopK: onlyTopK)
            for row in rows { bad.add(nan: row.nan, infinite: row.infinite) }
            bad.add(items: ids.count)
            if bad.found { continue }
            for (row, item) in ids.enumerated() {
                leftOut += rows[row].leftOut
                guard let m = rows[row].metrics else { continue }
                if trainByItem.count(item) == 0 { cold.add(m) } else { warm.add(m) }
            }
        }
        if bad.found { throw bad }
        var all = warm
        all.merge(cold)
        return Evaluation(k: depth, all: all.averaged(), warm: warm.averaged(), cold: cold.averaged(), leftOut: leftOut)
    }

    /// Each row's non-finite scores (counted while the row is in cache, just before it is
    /// ranked) and, when it has none, the metrics of its item (nil: no relevant user left once
    /// its training users are excluded); rows handed out to as many threads as there are
    /// scratch spaces.
    static func rankTile(_ scores: Tensor, _ ids: [Int32], trainByItem: GroupedIndex<Int32>, testByItem: GroupedIndex<Int32>,
                         scratch: [RankingScratch], k: Int, onlyTopK: Bool = false) -> [RankedRow] {
        let users = scores.shape[1]
        var rows = [RankedRow](repeating: RankedRow(), count: ids.count)
        rows.withUnsafeMutableBufferPointer { out in
            Parallel.run(tasks: ids.count, threads: scratch.count) { worker, row in
                let s = scores.pointer + row * users
                var nan: Int64 = 0, infinite: Int64 = 0
                rk_count_nonfinite(s, Int64(users), &nan, &infinite)
                out[row].nan = Int(nan)
                out[row].infinite = Int(infinite)
                guard nan + infinite == 0 else { return }
                let space = scratch[worker], item = ids[row]
                space.exclude(trainByItem[item])
                let tested = distinct(Array(testByItem[item]))
                let relevant = tested.filter { !space.excluded[Int($0)] }
                out[row].leftOut = tested.count - relevant.count
                if !relevant.isEmpty {
                    out[row].metrics = rank(s, users: users, excluded: space.excluded, excludedUsers: space.excludedUsers,
                                            relevant: relevant, top: space.top, counting: space.counting, k: k,
                                            onlyTopK: onlyTopK)
                }
                space.clearExcluded()
            }
        }
        return rows
    }

    /// Ids beyond the scorer's users or the items would index out of range: events of
    /// another dataset than the model's.
    static func checkIds(_ events: Events, _ name: String, users: Int, items: Int) throws {
        if let u = events.users.first(where: { $0 < 0 || Int($0) >= users }) {
            throw ModelError("evaluate", "the \(name) events name user \(u), but the model has \(users) users (events of another dataset?)")
        }
        if let i = events.items.first(where: { $0 < 0 || Int($0) >= items }) {
            throw ModelError("evaluate", "the \(name) events name item \(i), but there are \(items) items (events of another dataset?)")
        }
    }

    /// Each user once (duplicate test events must not count a user twice: that would push
    /// recall, ndcg and auc out of [0, 1]).
    static func distinct(_ users: [Int32]) -> [Int32] {
        var seen = Set<Int32>()
        return users.filter { seen.insert($0).inserted }
    }

    /// The four metrics of one item's scores (`relevant` distinct, scores finite): each in
    /// [0, 1] by construction — hits ≤ min(relevant, k), dcg ≤ its ideal, the best rank ≥ 1
    /// (the user itself is among its ties), and each relevant user is above at most all others.
    static func rank(_ s: UnsafeMutablePointer<Float>, users: Int, excluded: [Bool], excludedUsers: [Int32],
                     relevant: [Int32], top: TopBuffers, counting: LevelCountBuffers, k: Int,
                     onlyTopK: Bool = false) -> ItemMetrics {
        let best = excluded.withUnsafeBufferPointer { ex in
            ex.withMemoryRebound(to: UInt8.self) { top.fill(s, users, excluded: $0.baseAddress) }
        }
        let candidates = users - excludedUsers.count
        let isRelevant = Set(relevant)
        // Tied users take their places in every order alike: a run of g tied users holding r
        // relevant ones adds r/g of each of its places' gains. The run at the k-th place may
        // go on past it: then all its candidates and relevant users count (one counting pass,
        // needed only when a relevant user holds that score: otherwise the run adds nothing).
        var dcg = 0.0, hits = 0.0, a = 0
        while a < best {
            let v = top.scores[a]
            var b = a + 1
            while b < best && top.scores[b] == v { b += 1 }
            var group = b - a, rel = 0
            for pos in a..<b where isRelevant.contains(top.ids[pos]) { rel += 1 }
            if b == best && best == k && best < candidates {
                let relevantTied = relevant.reduce(0) { $0 + (s[Int($1)] == v ? 1 : 0) }
                if relevantTied > 0 {
                    let excludedTied = excludedUsers.reduce(0) { $0 + (s[Int($1)] == v ? 1 : 0) }
                    group = Int(rk_count_equal(s, Int64(users), v)) - excludedTied
                    rel = relevantTied
                }
            }
            if rel > 0 {
                var gains = 0.0
                for pos in a..<b { gains += 1 / log2(Double(pos) + 2) }
                let share = Double(rel) / Double(group)
                dcg += share * gains
                hits += share * Double(b - a)
            }
            a = b
        }
        var ideal = 0.0
        for pos in 0..<Swift.min(relevant.count, k) { ideal += 1 / log2(Double(pos) + 2) }
        let recall = hits / Double(Swift.min(relevant.count, k)), ndcg = ideal > 0 ? dcg / ideal : 0
        if onlyTopK { return ItemMetrics(recall: recall, ndcg: ndcg, mrr: 0, auc: 0) }
        let (bestRank, auc) = ranks(s, users: users, excludedUsers: excludedUsers, relevant: relevant,
                                    others: candidates - relevant.count, counting: counting)
        return ItemMetrics(recall: recall, ndcg: ndcg, mrr: 1 / bestRank, auc: auc)
    }

    /// The best expected rank of a relevant user (ties: half of them ahead) and the AUC
    /// (the share of relevant–other pairs in the right order, ties half), by counting: the
    /// relevant users' distinct scores are sorted once, one pass over all users (the C kernel)
    /// counts, per distinct score, the users above it and those equal to it, and the excluded
    /// users (`excludedUsers`, distinct) are taken back out one by one: O(users + relevant ·
    /// log relevant + excluded), not O(users · relevant). The sums run over `relevant` in its
    /// order, so the numbers are those of counting user by user.
    static func ranks(_ s: UnsafeMutablePointer<Float>, users: Int, excludedUsers: [Int32], relevant: [Int32],
                      others: Int, counting: LevelCountBuffers = LevelCountBuffers()) -> (bestRank: Double, auc: Double) {
        let levels = ScoreLevels(relevant.map { s[Int($0)] })
        var above = [Int](repeating: 0, count: levels.count + 1), equal = above
        levels.count(s, users: users, above: &above, equal: &equal, buffers: counting)
        for e in excludedUsers {
            let x = s[Int(e)]
            guard x >= levels.values[0] else { continue }
            let j = levels.lowerBound(x)
            above[j] -= 1
            if j < levels.count && levels.values[j] == x { equal[j] -= 1 }
        }
        // greater[j]: candidates strictly above level j; relAbove[j]: relevant users above it.
        var greater = [Int](repeating: 0, count: levels.count), relAbove = greater
        var sum = 0, relSum = 0
        for j in stride(from: levels.count - 1, through: 0, by: -1) {
            sum += above[j + 1]
            greater[j] = sum
            relAbove[j] = relSum
            relSum += levels.counts[j]
        }
        var bestRank = Double.infinity, aucSum = 0.0
        for r in relevant {
            let j = levels.lowerBound(s[Int(r)])
            let tied = equal[j] - 1  // itself
            bestRank = Swift.min(bestRank, 1 + Double(greater[j]) + Double(tied) / 2)
            if others > 0 {
                let otherGreater = Double(greater[j] - relAbove[j]), otherEqual = Double(tied - (levels.counts[j] - 1))
                aucSum += (Double(others) - otherGreater - otherEqual / 2) / Double(others)
            }
        }
        return (bestRank, others > 0 ? aucSum / Double(relevant.count) : 0.5)
    }
}

/// The distinct scores of an item's relevant users, ascending, with how many users hold each;
/// the counting kernel puts users into equal-width buckets over their range and places
/// exactly only those whose bucket holds a level (see rk_count_levels).
struct ScoreLevels {
    private(set) var values: [Float] = [], counts: [Int] = []
    /// The values, then +∞: the kernel's walk stops there.
    private var bounded: [Float] = []
    /// Per bucket, the first level at or above it (flagged where the bucket holds one).
    private var index: [Int32] = []
    private let buckets: Int32

    init(_ scores: [Float]) {
        for x in scores.sorted() {
            if let last = values.last, last == x { counts[counts.count - 1] += 1 } else { values.append(x); counts.append(1) }
        }
        bounded = values + [.infinity]
        // About sixteen buckets a level, so that few users share a bucket with one (fewer
        // buckets made the item with thousands of relevant users 3× slower a user).
        buckets = values.count > 1 ? Int32(Swift.min(16 * values.count, 1 << 17)) : 1
        index = [Int32](repeating: 0, count: Int(buckets) + 2)
        rk_level_table(values, Int64(values.count), buckets, &index)
    }

    var count: Int { values.count }

    /// The number of levels below `x` (the index of x's level when x is one).
    func lowerBound(_ x: Float) -> Int {
        var lo = 0, hi = values.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if values[mid] < x { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// One pass over all users: `above[j]` += those above level j − 1 and at most level j,
    /// `equal[j]` += those equal to level j (scores finite).
    func count(_ s: UnsafeMutablePointer<Float>, users: Int, above: inout [Int], equal: inout [Int],
               buffers: LevelCountBuffers = LevelCountBuffers()) {
        buffers.reserve(histograms: 4 * (Int(buckets) + 2), users: users)
        above.withUnsafeMutableBufferPointer { a in
            equal.withUnsafeMutableBufferPointer { e in
                a.withMemoryRebound(to: Int64.self) { a in
                    e.withMemoryRebound(to: Int64.self) { e in
                        rk_count_levels(s, Int64(users), bounded, Int64(values.count), index, buckets, buffers.histograms,
                                        buffers.pending, a.baseAddress, e.baseAddress)
                    }
                }
            }
        }
    }
}

/// The counting kernel's scratch (its four bucket histograms, cleared by the kernel, and a
/// score per user), kept by a ranking thread from item to item: fresh per item, the users'
/// worth of floats was an allocation (and at the ML-20M shape fresh pages) every item.
final class LevelCountBuffers {
    private(set) var histograms = UnsafeMutablePointer<Int32>.allocate(capacity: 0)
    private(set) var pending = UnsafeMutablePointer<Float>.allocate(capacity: 0)
    private var histogramCapacity = 0, pendingCapacity = 0

    deinit {
        histograms.deallocate()
        pending.deallocate()
    }

    /// Room for `histograms` counters and `users` scores (grown, never shrunk).
    func reserve(histograms count: Int, users: Int) {
        if count > histogramCapacity {
            histograms.deallocate()
            histograms = .allocate(capacity: count)
            histogramCapacity = count
        }
        if users > pendingCapacity {
            pending.deallocate()
            pending = .allocate(capacity: users)
            pendingCapacity = users
        }
    }
}

/// What one ranking thread owns: the marks of the users excluded for the current item (and
/// the same users as a list, each once), its top-k heap and the counting kernel's scratch.
final class RankingScratch {
    var excluded: [Bool]
    var excludedUsers: [Int32] = []
    let top: TopBuffers
    let counting = LevelCountBuffers()

    init(users: Int, depth: Int) {
        excluded = [Bool](repeating: false, count: users)
        top = TopBuffers(depth)
    }

    /// Marks `users` (repeats count once).
    func exclude(_ users: ArraySlice<Int32>) {
        for u in users where !excluded[Int(u)] {
            excluded[Int(u)] = true
            excludedUsers.append(u)
        }
    }

    func clearExcluded() {
        for u in excludedUsers { excluded[Int(u)] = false }
        excludedUsers.removeAll(keepingCapacity: true)
    }
}

/// One item's metrics.
struct ItemMetrics {
    let recall: Double, ndcg: Double, mrr: Double, auc: Double
}

/// What ranking one tile row gave: its non-finite scores, and its item's metrics.
struct RankedRow {
    var nan = 0, infinite = 0, leftOut = 0
    var metrics: ItemMetrics?
}

/// Scores that are NaN or ±infinite: no ranking can be read from them (NaN compares false
/// with everything, so a user would rank ahead of itself: mrr 2, auc above 1).
public struct NonFiniteScores: Error, CustomStringConvertible, Sendable {
    public let users: Int
    public private(set) var nan = 0, infinite = 0, items = 0

    init(users: Int) { self.users = users }

    public var found: Bool { nan + infinite > 0 }

    mutating func count(_ scores: Tensor, items n: Int) {
        var nan: Int64 = 0, infinite: Int64 = 0
        rk_count_nonfinite(scores.pointer, Int64(scores.count), &nan, &infinite)
        add(nan: Int(nan), infinite: Int(infinite))
        add(items: n)
    }

    mutating func add(nan: Int, infinite: Int) {
        self.nan += nan
        self.infinite += infinite
    }

    mutating func add(items n: Int) { items += n }

    public var description: String { "evaluate: " + message(for: "the model") }

    /// "hybrid gives 12 NaN and 0 infinite scores …" for the scorer called `name`.
    public func message(for name: String) -> String {
        "\(name) gives \(nan) NaN and \(infinite) infinite score\(infinite == 1 ? "" : "s") (of \(items) items × \(users) users):"
            + " no ranking can be read from them; the model has diverged (refit with a lower learning rate) or its inputs hold NaN"
    }
}

/// Thrown when a long computation is stopped between steps (Ctrl-C).
public struct Cancelled: Error, CustomStringConvertible {
    public init() {}
    public var description: String { "stopped" }
}

/// Room for a row's k best (`rk_top_k`): scores and ids, best first, reused row after row.
final class TopBuffers {
    let k: Int
    let scores: UnsafeMutablePointer<Float>, ids: UnsafeMutablePointer<Int32>

    init(_ k: Int) {
        self.k = k
        scores = .allocate(capacity: Swift.max(1, k))
        ids = .allocate(capacity: Swift.max(1, k))
    }

    deinit {
        scores.deallocate()
        ids.deallocate()
    }

    /// The k best of s[0..<n] but the excluded (higher score first, ties to the lower id);
    /// returns how many there are.
    func fill(_ s: UnsafePointer<Float>, _ n: Int, excluded: UnsafePointer<UInt8>? = nil) -> Int {
        Int(rk_top_k(s, Int64(n), excluded, Int64(k), scores, ids))
    }
}
