/// One recommended user for an item, with the reason: the movies the user liked in training
/// that are closest to the item (cosine of the model's item vectors; for a new plot, of their
/// content parts).
public struct Recommendation: Sendable {
    public let user: Int32
    public let score: Float
    public let because: [Int32]
}

public enum Recommend {
    /// The `top` users for item `i` by any scorer (a baseline, a blend, a route), users with a
    /// training event on the item excluded; the scorer has no item vectors, so no reasons.
    /// Ties go to the lower user index.
    public static func users(_ scorer: any UserScorer, item i: Int32, items: Int, top: Int, train: Events) throws -> [Recommendation] {
        guard top >= 1 else { throw ModelError("recommend", "top must be at least 1, got \(top)") }
        guard i >= 0, Int(i) < items else { throw ModelError("recommend", "item \(i) is out of range for \(items) items") }
        let row = try scorer.scores(items: [i])
        guard row.nonFinite.first == nil else {
            throw ModelError("recommend", "the scorer gives NaN or infinite scores for this item: no ranking can be read from them")
        }
        var seen = [UInt8](repeating: 0, count: scorer.users)
        for k in 0..<train.count where train.items[k] == i { seen[Int(train.users[k])] = 1 }
        let best = TopBuffers(top)  // evaluation's top-k pass: ties to the lower id, no sort of every user
        let n = seen.withUnsafeBufferPointer { best.fill(row.pointer, scorer.users, excluded: $0.baseAddress) }
        return (0..<n).map { Recommendation(user: best.ids[$0], score: best.scores[$0], because: []) }
    }

    public enum Query {
        case item(Int32)
        /// A movie nobody has rated, known only by its plot.
        case plot(String)
    }

    /// The `top` users for the query, excluding users who already have a training event on
    /// the item, each with up to `reasons` liked movies closest to it.
    /// `onNothingRead` is called when the plot gives the model nothing to read (no word it
    /// knows): it ranks users as for an empty plot, by what every item shares.
    public static func users(_ model: ScoreModel, for query: Query, top: Int = 10, train: Events,
                             reasons: Int = 2, onNothingRead: (() -> Void)? = nil) throws -> [Recommendation] {
        guard top >= 1 else { throw ModelError("recommend", "top must be at least 1, got \(top)") }
        return try Autodiff.inference {
            let context = TowerContext(training: false, rng: RandomSource(seed: 0), absentUnseen: true)
            let h: Tensor
            var seen = Set<Int32>()
            switch query {
            case .item(let i):
                guard i >= 0, Int(i) < model.items else { throw ModelError("recommend", "item \(i) is out of range for \(model.items) items") }
                h = try model.item.forward([i], context).value
                for k in 0..<train.count where train.items[k] == i { seen.insert(train.users[k]) }
            case .plot(let text):
                guard model.item.readsContent else {
                    throw ModelError("recommend", "this model reads no plots (its item side is ids alone), so a new plot would only get the users' biases")
                }
                h = try model.item.encodeNew(text, context).value
            }
            let users = try model.userMatrix(context)
            // A plot of no word the model knows reads as an empty one.
            if case .plot(let text) = query, let onNothingRead,
               text.isEmpty || (try? model.item.encodeNew("", context).value).map({ e in e.shape == h.shape && (0..<h.count).allSatisfy { h.pointer[$0] == e.pointer[$0] } }) == true {
                onNothingRead()
            }
            // NaN compares false with everything: a ranking of such scores would be noise.
            let bias = try model.bias.map { try $0.value.reshaped(Shape(model.users)) }
            guard ([h, users] + (bias.map { [$0] } ?? [])).allSatisfy({ $0.nonFinite.first == nil }) else {
                throw ModelError("recommend", "the model gives NaN or infinite scores for this item: no ranking can be read from them; "
                                 + "the model has diverged (refit with a lower learning rate) or its inputs hold NaN")
            }
            let wanted = Swift.min(model.users, top + seen.count)
            let best = try TopUsers.compute(items: h, users: users, bias: bias, k: wanted)
            let picked = zip(best.users, best.scores).filter { !seen.contains($0.0) }.prefix(top)
            // Reasons: the user's liked training items nearest the query in item-vector space. A
            // plot has no ID part, so it is compared with the content part of the others alone:
            // otherwise their ID embeddings, which the plot lacks, would decide the neighbours.
            var reasonContext = context
            if case .plot = query { reasonContext.ablation = .contentOnly }
            let allItems = try model.item.forward((0..<Int32(model.items)).map { $0 }, reasonContext).value
            let d = allItems.shape[1]
            let likedBy = GroupedIndex(keys: train.users, values: train.items, groups: model.users)
            return picked.map { user, score in
                let liked = likedBy[user]
                let ranked = liked.map { item -> (Int32, Float) in
                    let v = allItems.pointer + Int(item) * d
                    let dotv = Kernels.dot(h.pointer, v, d)
                    let norm = (Kernels.dot(v, v, d) * Kernels.dot(h.pointer, h.pointer, d)).squareRoot()
                    return (item, norm > 0 ? dotv / norm : 0)
                }.sorted { ($0.1, $1.0) > ($1.1, $0.0) }
                return Recommendation(user: user, score: score, because: ranked.prefix(reasons).map(\.0))
            }
        }
    }
}
