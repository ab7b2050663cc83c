import Model

/// The reference model of shared/bench, built with the Model API:
///   a1 = E[i] + C[i] @ W1 + b1           (300 → 64 projection, merged with the item embedding by sum)
///   h  = dropout₀.₂(ELU(a1 @ W2 + b2))
///   s(i, u) = h · U[u]
/// trained on batches of 256 (item, positive user) pairs with 32 negative users sampled
/// uniformly once per batch and shared by it, Adagrad(0.05). `rec bench train` times it.
final class ReferenceTraining {
    enum LossKind: String, CaseIterable, Sendable { case bpr, listwise, wmse }

    let data: SyntheticEvents
    let loss: LossKind
    let batchSize = 256, negatives = 32
    let itemEmbedding: Embedding, userEmbedding: Embedding
    /// C[i] @ W1 + b1 as the hybrid builds it (a dense tower over the content rows), so that
    /// the benchmark measures what `dense(content(…), 64)` runs.
    let project: DenseTower
    let hidden: Dense
    let optimizer = Adagrad(learningRate: 0.05, epsilon: 1e-7)
    let rng: RandomSource
    let parameters: [Variable]
    /// Each batch cut into one part per thread (the trainer's data parallelism).
    let workers: GradientWorkers
    /// The events in shuffled order, a batch at a time (the trainer's), the next one laid out
    /// by a helper thread during a split step. Only whole batches are taken, as the reference
    /// does: an epoch ends where a whole batch no longer fits.
    private let feed: BatchFeed
    private var batch = 0
    private var negativeUsers: [Int32]

    init(data: SyntheticEvents, loss: LossKind, threads: Int = 1, seed: UInt64 = 1) throws {
        self.data = data
        self.loss = loss
        rng = RandomSource(seed: seed)
        let d = 64
        itemEmbedding = try Embedding(data.items, d, initScale: 0.01, rng: rng, name: "item")
        userEmbedding = try Embedding(data.users, d, initScale: 0.01, rng: rng, name: "user")
        project = try DenseTower(ContentTower(data.content), width: d, rng: rng)
        hidden = try Dense(d, d, activation: .elu, dropout: 0.2, rng: rng, name: "hidden")
        parameters = itemEmbedding.parameters + userEmbedding.parameters + project.ownParameters + hidden.parameters
        workers = GradientWorkers(parameters: parameters, threads: threads)
        var events = Events()
        (events.items, events.users) = (data.eventItems, data.eventUsers)
        feed = BatchFeed(events, batchSize: batchSize)
        if workers.threads > 1 { (feed.grouping, feed.parts) = (ItemGrouping(items: data.items), workers.threads) }
        negativeUsers = [Int32](repeating: 0, count: negatives)
        feed.shuffle(rng)
    }

    var batchesPerEpoch: Int { (data.eventItems.count + batchSize - 1) / batchSize }

    /// One training step on the next batch; returns its loss.
    @discardableResult
    func step() throws -> Float {
        workers.awaitPrepared()
        let wholeBatches = feed.train.count / batchSize
        if batch == wholeBatches { feed.shuffle(rng); batch = 0 }
        feed.load(batch)
        batch += 1
        for k in 0..<negatives { negativeUsers[k] = Int32(rng.below(data.users)) }

        let items = feed.items, positives = feed.positives, next = batch < wholeBatches ? batch : nil
        let losses = try workers.step(examples: items.count, rng: rng, optimizer: optimizer, { part in
            let whole = part.range.count == items.count
            let l = try batchLoss(items: whole ? items : Array(items[part.range]),
                                  positives: whole ? positives : Array(positives[part.range]), rng: part.rng)
            try l.backward(seed: part.weight)
            return part.weight * (try l.value.item)
        }, proceed: { _ in true }, prepare: next.map { b in { [feed] in feed.prepare(b) } })
        return losses.reduce(0, +)
    }

    /// The loss of examples (items, positive users) against this batch's negative users.
    private func batchLoss(items: [Int32], positives: [Int32], rng: RandomSource) throws -> Variable {
        let ctx = ForwardContext(training: true, rng: rng)
        let a1 = try project.forward(items, TowerContext(training: true, rng: rng)) + itemEmbedding.forward(items, ctx)
        let h = try hidden(a1, ctx)
        let pos = try Variable.rowDot(h, userEmbedding.forward(positives, ctx))
        let neg = try Variable.matmul(h, userEmbedding.forward(negativeUsers, ctx), transposeB: true)
        switch loss {
        case .bpr: return try RankingLoss.bpr(positive: pos, negative: neg)
        case .listwise: return try RankingLoss.listwise(positive: pos, negative: neg)
        case .wmse: return try RankingLoss.weightedMSE(positive: pos, negative: neg, alpha: 1, negativeWeight: 0.1)
        }
    }
}
