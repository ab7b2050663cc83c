import CKernels

/// Lays out each epoch's shuffled events in sequence and hands out its batches: gathering a
/// batch from the shuffled order would miss the cache twice per example on large data. The
/// next batch can be laid out ahead (`prepare`, on another thread while a step runs) into a
/// second pair of buffers, which `load` then swaps in.
public final class BatchFeed {
    public let train: Events
    public let batchSize: Int
    private var order: [Int]
    private var epochItems: [Int32], epochUsers: [Int32]
    /// The current batch, in buffers reused from batch to batch.
    public private(set) var items: [Int32] = [], positives: [Int32] = []
    /// Batch `prepared`'s columns, when one was laid out ahead.
    private var nextItems: [Int32] = [], nextPositives: [Int32] = [], prepared: Int?
    /// Set when batches are split across threads: each batch's examples grouped by item for
    /// that many parts.
    public var grouping: ItemGrouping?, parts = 1

    public init(_ train: Events, batchSize: Int) {
        self.train = train
        self.batchSize = batchSize
        order = Array(0..<train.count)
        epochItems = train.items
        epochUsers = train.users
    }

    public var batches: Int { (train.count + batchSize - 1) / batchSize }

    public func shuffle(_ rng: RandomSource) {
        prepared = nil
        rng.shuffle(&order)
        // In C with the rows asked for ahead: a Swift loop here waited on two cache misses per
        // event through checked stores into this object's arrays (3–6% of a `bench train` run).
        order.withUnsafeBufferPointer { o in
            o.withMemoryRebound(to: Int64.self) { o in
                train.items.withUnsafeBufferPointer { items in
                    train.users.withUnsafeBufferPointer { users in
                        epochItems.withUnsafeMutableBufferPointer { outItems in
                            epochUsers.withUnsafeMutableBufferPointer { outUsers in
                                rk_gather_pairs_int32(o.baseAddress, Int64(o.count), items.baseAddress,
                                                      users.baseAddress, outItems.baseAddress, outUsers.baseAddress)
                            }
                        }
                    }
                }
            }
        }
    }

    /// Makes batch `b` (0-based) of the epoch current.
    public func load(_ b: Int) {
        if prepared == b {
            swap(&items, &nextItems)
            swap(&positives, &nextPositives)
        } else {
            lay(b, &items, &positives)
        }
        prepared = nil
    }

    /// Lays batch `b` out ahead, for `load(b)` to swap in. It touches only its own buffers
    /// (and reads the epoch's order): another thread may run it while the current batch's
    /// step reads `items` and `positives`.
    public func prepare(_ b: Int) {
        lay(b, &nextItems, &nextPositives)
        prepared = b
    }

    private func lay(_ b: Int, _ items: inout [Int32], _ positives: inout [Int32]) {
        let range = (b * batchSize)..<Swift.min(train.count, (b + 1) * batchSize)
        guard let grouping else {
            items.removeAll(keepingCapacity: true)
            positives.removeAll(keepingCapacity: true)
            items.append(contentsOf: epochItems[range])
            positives.append(contentsOf: epochUsers[range])
            return
        }
        guard !range.isEmpty else {
            items.removeAll(keepingCapacity: true)
            positives.removeAll(keepingCapacity: true)
            return
        }
        // Grouped straight from the epoch's columns into the batch's (written whole by the pass,
        // so not filled first); the next batch's columns asked for meanwhile (on a large epoch
        // they come from memory: a third of the pass).
        if items.count != range.count {
            items = [Int32](repeating: 0, count: range.count)
            positives = [Int32](repeating: 0, count: range.count)
        }
        let after = range.upperBound..<Swift.min(train.count, range.upperBound + batchSize)
        epochItems.withUnsafeBufferPointer { epochItems in
            epochUsers.withUnsafeBufferPointer { epochUsers in
                if !after.isEmpty {
                    Kernels.prefetch(ahead: epochItems.baseAddress! + after.lowerBound, after.count)
                    Kernels.prefetch(ahead: epochUsers.baseAddress! + after.lowerBound, after.count)
                }
                items.withUnsafeMutableBufferPointer { items in
                    positives.withUnsafeMutableBufferPointer { positives in
                        grouping.group(epochItems.baseAddress! + range.lowerBound, epochUsers.baseAddress! + range.lowerBound,
                                       range.count, into: items.baseAddress!, positives.baseAddress!, parts: parts)
                    }
                }
            }
        }
    }
}
