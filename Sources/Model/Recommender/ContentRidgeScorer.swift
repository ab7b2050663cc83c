/// Content → user-vector ridge for cold items: one ridge regression per user from an item's
/// content row to whether the user liked it, all solved at once in closed form,
/// W = (FᵀF + λI)⁻¹ Fᵀ Y, with F the content rows of the items in training and Y their
/// items × users 0/1 events — both centred on their training means, so each user's ridge has
/// an unpenalised intercept (the user's share of liked items: popularity, which is strong
/// here). An item's scores are ȳ + (f − f̄)·W: items never seen in training (cold) are ranked
/// from their content alone.
public final class ContentRidgeScorer: UserScorer {
    public let users: Int
    public let lambda: Float
    private let content: Tensor     // [items, d]
    private let weights: Tensor     // W, [d, users]
    private let offset: [Float]     // ȳ − f̄·W per user: the score of an item at the mean content

    public init(content: Tensor, train: Events, users: Int, lambda: Float, monitor: (any ProgressMonitor)? = nil) throws {
        guard content.rank == 2 else { throw ModelError("content ridge", "needs a [items, dim] content matrix, got \(content.shape)") }
        guard lambda.isFinite, lambda > 0 else { throw ModelError("content ridge", "lambda must be a positive number, got \(lambda)") }
        let (items, d) = (content.shape[0], content.shape[1])
        try Limits.floats([d, Swift.max(d, users)], for: "content_ridge", "the \(d) × \(Swift.max(d, users)) ridge system")
        self.users = users
        self.lambda = lambda
        self.content = content
        let likes = try Interactions.dense(train, users: users, items: items, byItem: true, op: "content_ridge")
        let trained = train.distinctItems.sorted()
        let f = try content.gatherRows(trained), y = try likes.gatherRows(trained)
        let (meanF, meanY) = (Self.centre(f), Self.centre(y))
        try monitor?.advance(0.3, "content_ridge: solving \(d) × \(d)")
        let a = try f.matmul(f, transposeSelf: true)
        for j in 0..<d { a.pointer[j * d + j] += lambda }
        guard Cholesky.invert(a.pointer, n: d) else {
            throw ModelError("content ridge", "FᵀF + λI is not positive definite in single precision; raise lambda (\(lambda))")
        }
        weights = try a.matmul(try f.matmul(y, transposeSelf: true))
        let atMean = try Tensor(shape: Shape(1, d), values: meanF).matmul(weights)
        offset = (0..<users).map { meanY[$0] - atMean.pointer[$0] }
    }

    /// Subtracts each column's mean from it and returns the means.
    private static func centre(_ m: Tensor) -> [Float] {
        let (rows, columns) = (m.shape[0], m.shape[1])
        var mean = [Float](repeating: 0, count: columns)
        guard rows > 0 else { return mean }
        for r in 0..<rows { for c in 0..<columns { mean[c] += m.pointer[r * columns + c] } }
        for c in 0..<columns { mean[c] /= Float(rows) }
        for r in 0..<rows { for c in 0..<columns { m.pointer[r * columns + c] -= mean[c] } }
        return mean
    }

    public func scores(items: [Int32]) throws -> Tensor {
        let s = try content.gatherRows(items).matmul(weights)
        for r in 0..<items.count { offset.withUnsafeBufferPointer { Kernels.add($0.baseAddress!, into: s.pointer + r * users, users) } }
        return s
    }
}
