/// Item vectors for cold items from content (the classic answer to cold start without a
/// neural content tower): a ridge regression (`CentredRidge`) from the content rows of the
/// items with training events onto their fitted item vectors — implicit ALS's factors, or a
/// fitted model's item side — gives every item without training events a vector
/// v̂ = v̄ + (f − f̄)·W. Items with training events keep their own vectors; a user's score
/// is item · user (+ the user's offset, a fitted model's bias).
public final class ContentMappedScorer: UserScorer {
    public let users: Int
    public let lambda: Float
    private let itemVectors: Tensor     // [items, k]: fitted for trained items, mapped for the rest
    private let userVectors: Tensor     // [users, k]
    private let userOffset: [Float]?

    public init(itemVectors: Tensor, userVectors: Tensor, userOffset: [Float]? = nil, content: Tensor,
                train: Events, lambda: Float, monitor: (any ProgressMonitor)? = nil) throws {
        let op = "content map"
        guard content.rank == 2 else { throw ModelError(op, "needs a [items, dim] content matrix, got \(content.shape)") }
        guard itemVectors.rank == 2, userVectors.rank == 2, itemVectors.shape[1] == userVectors.shape[1] else {
            throw ModelError(op, "item vectors \(itemVectors.shape) and user vectors \(userVectors.shape) do not pair up")
        }
        guard content.shape[0] == itemVectors.shape[0] else {
            throw ModelError(op, "the content has \(content.shape[0]) rows but there are \(itemVectors.shape[0]) items")
        }
        guard lambda.isFinite, lambda > 0 else { throw ModelError(op, "lambda must be a positive number, got \(lambda)") }
        if let userOffset, userOffset.count != userVectors.shape[0] {
            throw ModelError(op, "\(userOffset.count) user offsets for \(userVectors.shape[0]) users")
        }
        let (items, d, k) = (itemVectors.shape[0], content.shape[1], itemVectors.shape[1])
        try Limits.floats([d, Swift.max(d, k)], for: "content_map", "the \(d) × \(Swift.max(d, k)) ridge system")
        try Evaluator.checkIds(train, "training", users: userVectors.shape[0], items: items)
        users = userVectors.shape[0]
        self.lambda = lambda
        self.userVectors = userVectors
        self.userOffset = userOffset
        var trained = [Bool](repeating: false, count: items)
        for i in train.items { trained[Int(i)] = true }
        let (warm, cold) = ((0..<Int32(items)).filter { trained[Int($0)] }, (0..<Int32(items)).filter { !trained[Int($0)] })
        guard !warm.isEmpty else { throw ModelError(op, "no item has training events to learn the mapping from") }
        let mapped = itemVectors.copy()
        if !cold.isEmpty {
            let ridge = try CentredRidge(features: content.gatherRows(warm), targets: itemVectors.gatherRows(warm),
                                         lambda: lambda, op: op, monitor: monitor)
            let predicted = try ridge.predict(content.gatherRows(cold))
            for (r, i) in cold.enumerated() { (mapped.pointer + Int(i) * k).update(from: predicted.pointer + r * k, count: k) }
        }
        self.itemVectors = mapped
    }

    public func scores(items: [Int32]) throws -> Tensor {
        let s = try itemVectors.gatherRows(items).matmul(userVectors, transposeOther: true)
        if let userOffset {
            userOffset.withUnsafeBufferPointer { o in
                for r in 0..<items.count { Kernels.add(o.baseAddress!, into: s.pointer + r * users, users) }
            }
        }
        return s
    }
}
