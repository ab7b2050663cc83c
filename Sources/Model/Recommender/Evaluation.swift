#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Ranking quality in the flip scenario, averaged over test items: for each item, all users
/// are ranked (users with a training event on the item excluded) and the item's test users
/// are the relevant ones.
/// - recall@k: relevant users in the top k / min(relevant, k);
/// - ndcg@k: binary-relevance DCG of the top k / the best possible;
/// - mrr: 1 / the rank of the best-ranked relevant user;
/// - auc: the share of (relevant, other) user pairs ordered correctly (ties count half).
/// Ties in rank are broken by expectation (a user tied with n others ranks n/2 lower).
public struct RankingMetrics: Sendable, CustomStringConvertible {
    public var recall = 0.0, ndcg = 0.0, mrr = 0.0, auc = 0.0
    public var items = 0

    public var description: String {
        String(format: "recall %.4f  ndcg %.4f  mrr %.4f  auc %.4f  (%d items)", recall, ndcg, mrr, auc, items)
    }

    mutating func add(recall r: Double, ndcg n: Double, mrr m: Double, auc a: Double) {
        recall += r; ndcg += n; mrr += m; auc += a; items += 1
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

    public var description: String {
        var lines = ["k = \(k)", "all   \(all)"]
        if warm.items > 0 { lines.append("warm  \(warm)") }
        if cold.items > 0 { lines.append("cold  \(cold)") }
        return lines.joined(separator: "\n")
    }
}

public enum Evaluator {
    /// Ranks all users for each item of `test`. Items that never occur in `train` are cold.
    /// Scores come in tiles of items, one product each; the top k is kept with a running
    /// heap per item, never by sorting all scores.
    public static func evaluate(_ scorer: any UserScorer, test: Events, train: Events, items: Int, k: Int = 20,
                                tile: Int = 256, shouldStop: () -> Bool = { false },
                                monitor: (any ProgressMonitor)? = nil) throws -> Evaluation {
        guard k >= 1 else { throw ModelError("evaluate", "k must be at least 1, got \(k)") }
        let users = scorer.users
        let trainByItem = GroupedIndex(keys: train.items, values: train.users, groups: items)
        let testByItem = GroupedIndex(keys: test.items, values: test.users, groups: items)
        let testItems = (0..<Int32(items)).filter { testByItem.count($0) > 0 }
        var warm = RankingMetrics(), cold = RankingMetrics()
        var excluded = [Bool](repeating: false, count: users)
        var heap = TopK(k)
        for start in stride(from: 0, to: testItems.count, by: tile) {
            if shouldStop() { throw Cancelled() }
            try monitor?.advance(Double(start) / Double(Swift.max(testItems.count, 1)), "ranking all users for \(testItems.count) items")
            let ids = Array(testItems[start..<Swift.min(testItems.count, start + tile)])
            let scores = try scorer.scores(items: ids)
            guard scores.shape == Shape(ids.count, users) else {
                throw ModelError("evaluate", "scorer gave \(scores.shape) for \(ids.count) items × \(users) users")
            }
            for (row, item) in ids.enumerated() {
                let s = scores.pointer + row * users
                let seen = trainByItem[item]
                for u in seen { excluded[Int(u)] = true }
                let relevant = testByItem[item].filter { !excluded[Int($0)] }
                if !relevant.isEmpty {
                    let m = rank(s, users: users, excluded: excluded, relevant: relevant, heap: &heap, k: k)
                    if seen.isEmpty { cold.add(recall: m.0, ndcg: m.1, mrr: m.2, auc: m.3) } else { warm.add(recall: m.0, ndcg: m.1, mrr: m.2, auc: m.3) }
                }
                for u in seen { excluded[Int(u)] = false }
            }
        }
        var all = warm
        all.recall += cold.recall; all.ndcg += cold.ndcg; all.mrr += cold.mrr; all.auc += cold.auc; all.items += cold.items
        return Evaluation(k: k, all: all.averaged(), warm: warm.averaged(), cold: cold.averaged())
    }

    /// The four metrics of one item's scores.
    static func rank(_ s: UnsafeMutablePointer<Float>, users: Int, excluded: [Bool], relevant: [Int32],
                     heap: inout TopK, k: Int) -> (Double, Double, Double, Double) {
        heap.reset()
        var candidates = 0
        for u in 0..<users where !excluded[u] {
            candidates += 1
            heap.offer(s[u], Int32(u))
        }
        let isRelevant = Set(relevant)
        let top = heap.sorted()
        var dcg = 0.0, hits = 0
        for (pos, u) in top.enumerated() where isRelevant.contains(u) {
            dcg += 1 / log2(Double(pos) + 2)
            hits += 1
        }
        var ideal = 0.0
        for pos in 0..<Swift.min(relevant.count, k) { ideal += 1 / log2(Double(pos) + 2) }
        // Rank and AUC of each relevant user by counting (no sort of all scores).
        var bestRank = Double.infinity, aucSum = 0.0
        let others = Double(candidates - relevant.count)
        for r in relevant {
            let sr = s[Int(r)]
            var greater = 0, equal = 0
            for u in 0..<users where !excluded[u] {
                greater += s[u] > sr ? 1 : 0
                equal += s[u] == sr ? 1 : 0
            }
            equal -= 1  // itself
            bestRank = Swift.min(bestRank, 1 + Double(greater) + Double(equal) / 2)
            var relGreater = 0, relEqual = 0
            for q in relevant where q != r {
                relGreater += s[Int(q)] > sr ? 1 : 0
                relEqual += s[Int(q)] == sr ? 1 : 0
            }
            if others > 0 {
                let otherGreater = Double(greater - relGreater), otherEqual = Double(equal - relEqual)
                aucSum += (others - otherGreater - otherEqual + otherEqual / 2) / others
            }
        }
        let recall = Double(hits) / Double(Swift.min(relevant.count, k))
        return (recall, ideal > 0 ? dcg / ideal : 0, 1 / bestRank, others > 0 ? aucSum / Double(relevant.count) : 0.5)
    }
}

/// Thrown when a long computation is stopped between steps (Ctrl-C).
public struct Cancelled: Error, CustomStringConvertible {
    public init() {}
    public var description: String { "stopped" }
}

/// The k best (score, id) pairs seen so far: a min-heap on score (ties: the lower id wins).
struct TopK {
    let k: Int
    private var scores: [Float] = [], ids: [Int32] = []

    init(_ k: Int) {
        self.k = k
        scores.reserveCapacity(k)
        ids.reserveCapacity(k)
    }

    mutating func reset() { scores.removeAll(keepingCapacity: true); ids.removeAll(keepingCapacity: true) }

    var isFull: Bool { scores.count == k }
    /// The score a newcomer must reach to enter (−∞ until full).
    var floor: Float { isFull ? scores[0] : -.infinity }

    /// Whether (a, ia) ranks below (b, ib).
    private static func worse(_ a: Float, _ ia: Int32, _ b: Float, _ ib: Int32) -> Bool { a < b || (a == b && ia > ib) }

    mutating func offer(_ score: Float, _ id: Int32) {
        if scores.count < k {
            scores.append(score); ids.append(id)
            var i = scores.count - 1
            while i > 0 {
                let p = (i - 1) / 2
                guard Self.worse(scores[i], ids[i], scores[p], ids[p]) else { break }
                scores.swapAt(i, p); ids.swapAt(i, p); i = p
            }
        } else if Self.worse(scores[0], ids[0], score, id) {
            scores[0] = score; ids[0] = id
            var i = 0
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < k && Self.worse(scores[l], ids[l], scores[m], ids[m]) { m = l }
                if r < k && Self.worse(scores[r], ids[r], scores[m], ids[m]) { m = r }
                if m == i { break }
                scores.swapAt(i, m); ids.swapAt(i, m); i = m
            }
        }
    }

    /// Best first.
    func sorted() -> [Int32] {
        zip(scores, ids).sorted { Self.worse($1.0, $1.1, $0.0, $0.1) }.map(\.1)
    }

    func sortedPairs() -> [(Float, Int32)] {
        zip(scores, ids).sorted { Self.worse($1.0, $1.1, $0.0, $0.1) }.map { ($0.0, $0.1) }
    }
}
