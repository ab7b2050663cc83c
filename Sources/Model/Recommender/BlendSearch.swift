/// Chooses a blend's weights on validation events: every mix of the given weight levels
/// (one level per part, normalised to sum 1, each mix once) is evaluated and the best by its
/// validation ndcg kept — ties go to the mix met first, so the choice is deterministic. Each part
/// scores the validation items once; the mixes reuse those normalised scores. With `refine`,
/// coordinate steps finer than the levels then move from the grid's best mix (`refined`).
public enum BlendSearch {
    public struct Trial: Sendable {
        public let weights: [Float]
        public let metric: Double
    }

    /// The search's outcome: the chosen blend, every mix tried (in order), and with `crossFit`
    /// the cross-fitted ndcg — an honest estimate of the blend on items its weights never saw.
    public struct Choice {
        public let best: BlendScorer
        public let trials: [Trial]
        /// The validation items the chosen part counts (the best mix's ndcg is averaged over them).
        public let items: Int
        /// With `bag`: the bagged weights' validation ndcg (they need not be any trial's).
        let bagged: Double?
        /// The chosen mix's validation ndcg: the best trial's, or the bagged weights'.
        public var ndcg: Double { bagged ?? BlendSearch.best(of: trials).metric }
        /// With `crossFit`: the halves' ndcg summed over their items, and those items.
        let crossFit: (sum: Double, items: Int)?
        public var crossFitted: Double? { crossFit.map { $0.items > 0 ? $0.sum / Double($0.items) : 0 } }
    }

    /// A blend's weights chosen per group of items (by their training events): each group's
    /// search sees only its own validation items, and the blends are routed by group.
    public struct GroupedChoice {
        public let groups: EventCountGroups
        public let choices: [Choice]
        public let scorer: RoutedScorer
        /// The chosen blends' ndcg over all validation items (each item scored by its group's).
        public var ndcg: Double { weighted(choices.map { ($0.ndcg * Double($0.items), $0.items) }) }
        public var crossFitted: Double? {
            let halves = choices.compactMap(\.crossFit)
            return halves.count == choices.count ? weighted(halves.map { ($0.sum, $0.items) }) : nil
        }
        private func weighted(_ parts: [(Double, Int)]) -> Double {
            let n = parts.reduce(0) { $0 + $1.1 }
            return n > 0 ? parts.reduce(0) { $0 + $1.0 } / Double(n) : 0
        }
    }

    /// `choose` on each group of items by their training events (`groups`): a group without
    /// validation items of `part` is an error, since its weights could not be chosen.
    public static func choose(_ parts: [any UserScorer], names: [String], levels: [Float], scale: BlendScorer.Scale,
                              valid: Events, train: Events, items: Int, k: Int, part: KeyPath<Evaluation, RankingMetrics>,
                              groups: EventCountGroups, refine: Bool = false, crossFit: Bool = false, bag: Int = 0, threads: Int = 1,
                              shouldStop: () -> Bool = { false }, monitor: (any ProgressMonitor)? = nil) throws -> GroupedChoice {
        let choices = try (0..<groups.count).map { g in
            try choose(parts, names: names, levels: levels, scale: scale, valid: groups.events(valid, inGroup: g), train: train,
                       items: items, k: k, part: part, refine: refine, crossFit: crossFit, bag: bag, threads: threads,
                       shouldStop: shouldStop, monitor: monitor,
                       label: "blend (\(groups.describe(g)))", emptyNote: "no validation items with \(groups.describe(g))")
        }
        return GroupedChoice(groups: groups, choices: choices, scorer: try RoutedScorer(choices.map(\.best), groups: groups))
    }

    /// `part` is the evaluation's part whose ndcg@k decides (warm, cold or all). With `crossFit`
    /// the same search also runs on each half of the validation items (alternate items in id
    /// order), its choice scored on the other half; the two halves' ndcg, weighted by their
    /// items, is `crossFitted`. The best mix's own validation ndcg is optimistic — the weights
    /// were fitted to those items — so blends with more parts or finer weights look better than
    /// they are; the cross-fitted figure does not favour them.
    public static func choose(_ parts: [any UserScorer], names: [String], levels: [Float], scale: BlendScorer.Scale,
                              valid: Events, train: Events, items: Int, k: Int,
                              part: KeyPath<Evaluation, RankingMetrics>, refine: Bool = false, crossFit: Bool = false,
                              bag: Int = 0, threads: Int = 1, shouldStop: () -> Bool = { false }, monitor: (any ProgressMonitor)? = nil,
                              label: String = "blend", emptyNote: String = "no validation items") throws -> Choice {
        guard levels.allSatisfy({ $0.isFinite && $0 >= 0 }), levels.contains(where: { $0 > 0 }) else {
            throw ModelError("blend", "weight levels must be numbers ≥ 0, not all 0, got \(levels)")
        }
        // Counted before they are listed: levels^parts grows fast.
        var combinations = 1.0
        for _ in parts { combinations *= Double(levels.count) }
        guard combinations <= 100_000 else {
            throw ModelError("blend", "\(levels.count) levels over \(parts.count) scorers make \(Int(combinations.rounded()))"
                             + " mixes, more than 100000; use fewer levels or scorers")
        }
        _ = try BlendScorer(parts, names: names, weights: [Float](repeating: 1, count: parts.count), scale: scale)  // checks the parts
        try Evaluator.checkIds(valid, "validation", users: parts[0].users, items: items)
        let nothingToChooseOn = ModelError("blend", "\(emptyNote) in this part (nothing to choose the weights on)")
        guard valid.count > 0 else { throw nothingToChooseOn }
        let validItems = Array(Set(valid.items)).sorted()
        let cached = try Cached(parts, names: names, items: validItems, scale: scale, itemCount: items)
        let mixes = Self.mixes(parts: parts.count, levels: levels)
        let search = Search(cached: cached, mixes: mixes, step: finestGap(levels) / 2, refine: refine, k: k, part: part,
                            threads: threads)
        let plan = try EvaluationPlan(test: valid, train: train, users: cached.users, items: items)
        // Which validation items the part counts does not depend on the weights: known before the search.
        cached.weights = mixes[0]
        let counted = try search.evaluate(on: plan, shouldStop: shouldStop).items
        guard counted > 0 else { throw nothingToChooseOn }
        let trials = try search.run(on: plan, shouldStop: shouldStop, monitor: monitor, label: label)
        // With `bag`, the weights are the mean of those chosen on `bag` random halves of the items
        // (halves drawn from fixed seeds: the same choice every run). A half without an item the
        // part counts (validation mixing warm and cold items) has nothing to choose on: left out.
        func bagged(_ events: Events) throws -> [Float]? {
            guard bag > 0 else { return nil }
            let ids = Array(Set(events.items)).sorted()
            var chosen: [[Float]] = []
            for b in 0..<bag {
                var order = ids
                RandomSource(seed: UInt64(b + 1)).shuffle(&order)
                let half = Set(order.prefix(Swift.max(1, order.count / 2)))
                let sub = try EvaluationPlan(test: events.filter { half.contains(events.items[$0]) }, train: train, users: cached.users, items: items)
                cached.weights = mixes[0]
                guard try search.evaluate(on: sub, shouldStop: shouldStop).items > 0 else { continue }
                chosen.append(best(of: try search.run(on: sub, shouldStop: shouldStop, monitor: monitor, label: "\(label): bag \(b + 1)")).weights)
            }
            guard !chosen.isEmpty else { return nil }
            var sum = [Float](repeating: 0, count: parts.count)
            for w in chosen { for p in 0..<w.count { sum[p] += w[p] / Float(chosen.count) } }
            return sum
        }
        let baggedWeights = try bagged(valid)
        let weights = baggedWeights ?? best(of: trials).weights
        var baggedNdcg: Double?
        if let baggedWeights {
            cached.weights = baggedWeights
            baggedNdcg = try search.evaluate(on: plan, shouldStop: shouldStop).ndcg
        }
        var crossFitted: (sum: Double, items: Int)?
        if crossFit {
            var inHalf = [Int8](repeating: -1, count: items)
            for (n, i) in validItems.enumerated() { inHalf[Int(i)] = Int8(n % 2) }
            let halfEvents = (0..<2).map { h in valid.filter { inHalf[Int(valid.items[$0])] == h } }
            let halves = try halfEvents.map { try EvaluationPlan(test: $0, train: train, users: cached.users, items: items) }
            var sum = 0.0, count = 0
            for h in 0..<2 {
                cached.weights = try bagged(halfEvents[h]) ?? best(of: try search.run(on: halves[h], shouldStop: shouldStop, monitor: monitor,
                                                         label: "\(label): cross-fit half \(h + 1)")).weights
                let m = try search.evaluate(on: halves[1 - h], shouldStop: shouldStop)
                sum += m.ndcg * Double(m.items)
                count += m.items
            }
            crossFitted = (sum, count)
        }
        return Choice(best: try BlendScorer(parts, names: names, weights: weights, scale: scale), trials: trials,
                      items: counted, bagged: baggedNdcg, crossFit: crossFitted)
    }

    /// The trial with the highest metric, the first of equals (so the choice is deterministic).
    static func best(of trials: [Trial]) -> Trial {
        trials.reduce(trials[0]) { $1.metric > $0.metric ? $1 : $0 }
    }

    /// The grid of mixes (then, with `refine`, the coordinate steps) evaluated on some
    /// validation events, over scores cached once for all of them.
    struct Search {
        let cached: Cached
        let mixes: [[Float]]
        let step: Float
        let refine: Bool
        let k: Int
        let part: KeyPath<Evaluation, RankingMetrics>
        let threads: Int

        /// ndcg@k (and the items counted) of the current mix: the top k alone is ranked.
        func evaluate(on valid: EvaluationPlan, shouldStop: () -> Bool) throws -> RankingMetrics {
            try Evaluator.evaluate(cached, plan: valid, k: k, threads: threads, onlyTopK: true, shouldStop: shouldStop)[keyPath: part]
        }

        func run(on valid: EvaluationPlan, shouldStop: () -> Bool, monitor: (any ProgressMonitor)?, label: String) throws -> [Trial] {
            var trials: [Trial] = []
            for (n, w) in mixes.enumerated() {
                if shouldStop() { throw Cancelled() }
                try monitor?.advance(Double(n) / Double(mixes.count), "\(label): mix \(n + 1) of \(mixes.count)")
                cached.weights = w
                trials.append(Trial(weights: w, metric: try evaluate(on: valid, shouldStop: shouldStop).ndcg))
            }
            guard refine else { return trials }
            return trials + (try refined(from: best(of: trials), step: step, seen: Set(mixes)) { w in
                if shouldStop() { throw Cancelled() }
                cached.weights = w
                return try evaluate(on: valid, shouldStop: shouldStop).ndcg
            })
        }
    }

    /// Coordinate ascent from a mix: each round tries every part's weight raised and lowered by
    /// `step` (at least 0; the mix normalised to sum 1 again) and moves to the best strictly
    /// better one; when none is better the step halves, three times. At most 400 mixes, each
    /// evaluated once; ties keep the earlier mix, so the path is deterministic.
    static func refined(from start: Trial, step first: Float, seen: Set<[Float]>, metric: ([Float]) throws -> Double) rethrows -> [Trial] {
        var seen = seen, trials: [Trial] = [], current = start, step = first
        for _ in 0..<4 {
            while trials.count < 400 {
                var bestMove: Trial?
                for p in current.weights.indices {
                    for sign: Float in [1, -1] {
                        var w = current.weights
                        w[p] = max(0, w[p] + sign * step)
                        let total = w.reduce(0, +)
                        guard total > 0 else { continue }
                        w = w.map { ($0 / total * 1e6).rounded() / 1e6 }
                        guard seen.insert(w).inserted, trials.count < 400 else { continue }
                        let t = Trial(weights: w, metric: try metric(w))
                        trials.append(t)
                        if t.metric > (bestMove ?? current).metric { bestMove = t }
                    }
                }
                guard let move = bestMove else { break }
                current = move
            }
            step /= 2
        }
        return trials
    }

    /// The smallest gap between two distinct levels (the whole range when there is one level).
    static func finestGap(_ levels: [Float]) -> Float {
        let sorted = Set(levels).sorted()
        let gaps = zip(sorted.dropFirst(), sorted).map { $0 - $1 }
        return gaps.min() ?? max(sorted.last ?? 1, 1)
    }

    /// Every combination of levels, normalised to sum 1, distinct, in lexicographic order of
    /// the levels (the all-zero one left out).
    static func mixes(parts: Int, levels: [Float]) -> [[Float]] {
        var out: [[Float]] = [], seen = Set<[Float]>()
        var index = [Int](repeating: 0, count: parts)
        while true {
            let raw = index.map { levels[$0] }, total = raw.reduce(0, +)
            if total > 0 {
                // Rounded so that (0.5, 0.5) and (1, 1) count as one mix.
                let w = raw.map { ($0 / total * 1e6).rounded() / 1e6 }
                if seen.insert(w).inserted { out.append(w) }
            }
            var p = parts - 1
            while p >= 0 && index[p] == levels.count - 1 { index[p] = 0; p -= 1 }
            guard p >= 0 else { return out }
            index[p] += 1
        }
    }

    /// The parts' normalised scores of the validation items, mixed with the current weights.
    final class Cached: UserScorer {
        let users: Int
        var weights: [Float] = []
        private let rows: [Int32]           // item → its row in the cached scores, −1 if absent
        private let scores: [Tensor]        // per part, [cached items, users]

        init(_ parts: [any UserScorer], names: [String], items ids: [Int32], scale: BlendScorer.Scale, itemCount: Int) throws {
            users = parts[0].users
            var rows = [Int32](repeating: -1, count: itemCount)
            for (r, i) in ids.enumerated() { rows[Int(i)] = Int32(r) }
            self.rows = rows
            scores = try zip(parts, names).map { try BlendScorer.normalised($0, $1, items: ids, scale) }
        }

        func scores(items: [Int32]) throws -> Tensor {
            let out = Tensor(zeros: Shape(items.count, users))
            for (r, i) in items.enumerated() {
                let row = Int(rows[Int(i)])
                guard row >= 0 else { throw ModelError("blend", "item \(i) was not among the validation items") }
                for (p, s) in scores.enumerated() where weights[p] > 0 {
                    Kernels.axpy(weights[p], s.pointer + row * users, out.pointer + r * users, users)
                }
            }
            return out
        }
    }
}
