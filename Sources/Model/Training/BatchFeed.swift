/// Lays out each epoch's shuffled events in sequence and hands out its batches: gathering a
/// batch from the shuffled order would miss the cache twice per example on large data.
struct BatchFeed {
    let train: Events
    let batchSize: Int
    private var order: [Int]
    private var epochItems: [Int32], epochUsers: [Int32]
    /// The current batch, in buffers reused from batch to batch.
    private(set) var items: [Int32] = [], positives: [Int32] = []
    /// Set when batches are split across threads: each batch's examples grouped by item for
    /// that many parts.
    var grouping: ItemGrouping?, parts = 1

    init(_ train: Events, batchSize: Int) {
        self.train = train
        self.batchSize = batchSize
        order = Array(0..<train.count)
        epochItems = train.items
        epochUsers = train.users
    }

    var batches: Int { (train.count + batchSize - 1) / batchSize }

    mutating func shuffle(_ rng: RandomSource) {
        rng.shuffle(&order)
        for (k, e) in order.enumerated() { epochItems[k] = train.items[e]; epochUsers[k] = train.users[e] }
    }

    /// Makes batch `b` (0-based) of the epoch current.
    mutating func load(_ b: Int) {
        let range = (b * batchSize)..<Swift.min(train.count, (b + 1) * batchSize)
        items.removeAll(keepingCapacity: true)
        positives.removeAll(keepingCapacity: true)
        items.append(contentsOf: epochItems[range])
        positives.append(contentsOf: epochUsers[range])
        grouping?.group(&items, &positives, parts: parts)
    }
}
