/// EASE (Steck 2019), item–item: the closed-form linear autoencoder B = I − P·diag(1/diag P),
/// P = (XᵀX + λI)⁻¹ over the users × items matrix X of training events, diagonal of B zero.
/// A user's score for item i is (X·B)[u, i] — the user's other likes reconstructing column i —
/// so one column of B ranks every user for an item (the flip orientation). Items without
/// training events (cold) get B's zero column: EASE cannot rank users for them.
public final class EASEScorer: UserScorer {
    public let users: Int
    public let lambda: Float
    private let interactions: Tensor      // X, [users, items]
    private let columnsOfB: Tensor        // Bᵀ, [items, items]: row i is the column that scores item i

    public init(train: Events, users: Int, items: Int, lambda: Float, monitor: (any ProgressMonitor)? = nil) throws {
        guard lambda.isFinite, lambda > 0 else { throw ModelError("ease", "lambda must be a positive number, got \(lambda)") }
        try Limits.floats([items, items], for: "ease", "the \(items) × \(items) item–item matrix")
        self.users = users
        self.lambda = lambda
        interactions = try Interactions.dense(train, users: users, items: items, byItem: false, op: "ease")
        try monitor?.advance(0.05, "ease: item–item Gram matrix")
        let p = try interactions.matmul(interactions, transposeSelf: true)
        for i in 0..<items { p.pointer[i * items + i] += lambda }
        try monitor?.advance(0.4, "ease: inverting \(items) × \(items)")
        guard Cholesky.invert(p.pointer, n: items) else {
            throw ModelError("ease", "XᵀX + λI is not positive definite in single precision; raise lambda (\(lambda))")
        }
        // Bᵀ[i, j] = B[j, i] = −P[j, i] / P[i, i] = −P[i, j] / P[i, i] (P is symmetric).
        for i in 0..<items {
            let row = p.pointer + i * items, scale = -1 / row[i]
            for j in 0..<items { row[j] *= scale }
            row[i] = 0
        }
        columnsOfB = p
    }

    public func scores(items: [Int32]) throws -> Tensor {
        try columnsOfB.gatherRows(items).matmul(interactions, transposeOther: true)
    }
}
