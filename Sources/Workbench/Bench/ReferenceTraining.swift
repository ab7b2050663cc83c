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
    private var order: [Int32]
    /// This epoch's events in shuffled order, laid out so that batches read them in sequence
    /// (gathering them per batch from the shuffled order missed the cache twice per example).
    private var epochItems: [Int32] = [], epochUsers: [Int32] = []
    private var position = 0
    // Index buffers reused every batch.
    private var items: [Int32], positives: [Int32], negativeUsers: [Int32]
    /// The next batch, laid out (and grouped) by a helper thread during this step when it
    /// is in the same epoch: swapped in by the next step.
    private var nextItems: [Int32], nextPositives: [Int32], nextPrepared = false
    /// Each batch's examples grouped by item when it is split (as the trainer's).
    private let grouping: ItemGrouping?

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
        grouping = workers.threads > 1 ? ItemGrouping(items: data.items) : nil
        order = (0..<Int32(data.eventItems.count)).map { $0 }
        items = [Int32](repeating: 0, count: batchSize)
        positives = items
        (nextItems, nextPositives) = (items, items)
        negativeUsers = [Int32](repeating: 0, count: negatives)
        shuffle()
    }

    private func shuffle() {
        rng.shuffle(&order)
        epochItems = order.map { data.eventItems[Int($0)] }
        epochUsers = order.map { data.eventUsers[Int($0)] }
        position = 0
    }

    var batchesPerEpoch: Int { (data.eventItems.count + batchSize - 1) / batchSize }

    /// One training step on the next batch; returns its loss.
    @discardableResult
    func step() throws -> Float {
        workers.settle()
        if nextPrepared {
            swap(&items, &nextItems)
            swap(&positives, &nextPositives)
        } else {
            if position + batchSize > order.count { shuffle() }
            lay(position, &items, &positives)
        }
        position += batchSize
        nextPrepared = position + batchSize <= order.count
        for k in 0..<negatives { negativeUsers[k] = Int32(rng.below(data.users)) }

        let next = position
        let losses = try workers.step(examples: batchSize, rng: rng, optimizer: optimizer, { part in
            let whole = part.range.count == batchSize
            let l = try batchLoss(items: whole ? items : Array(items[part.range]),
                                  positives: whole ? positives : Array(positives[part.range]), rng: part.rng)
            try l.backward(seed: part.weight)
            return part.weight * (try l.value.item)
        }, proceed: { _ in true }, prepare: nextPrepared ? { self.lay(next, &self.nextItems, &self.nextPositives) } : nil)
        return losses.reduce(0, +)
    }

    /// The batch of this epoch's events from `start` into `items` and `positives`, grouped
    /// by item when it is split.
    private func lay(_ start: Int, _ items: inout [Int32], _ positives: inout [Int32]) {
        items.replaceSubrange(0..<batchSize, with: epochItems[start..<(start + batchSize)])
        positives.replaceSubrange(0..<batchSize, with: epochUsers[start..<(start + batchSize)])
        grouping?.group(&items, &positives, parts: workers.threads)
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
