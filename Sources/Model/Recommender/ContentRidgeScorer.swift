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
    private let ridge: CentredRidge // content → each user's likes

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
        ridge = try CentredRidge(features: content.gatherRows(trained), targets: likes.gatherRows(trained), lambda: lambda,
                                 op: "content ridge", monitor: monitor)
    }

    public func scores(items: [Int32]) throws -> Tensor {
        try ridge.predict(content.gatherRows(items))
    }
}
