/// EASE (Steck 2019): the closed-form linear autoencoder B = I − P·diag(1/diag P),
/// P = (G + Λ)⁻¹, diagonal of B zero, over the users × items matrix X of training events.
/// Item–item (G = XᵀX): a user's score for item i is (X·B)[u, i] — the user's other likes
/// reconstructing column i — so one column of B ranks every user for an item (the flip
/// orientation). User–user (G = XXᵀ): the score is (Xᵀ·B)[i, u] — the item's other fans
/// reconstructing user u. Λ = λI, or with `dropout` p the emphasised denoising autoencoder's
/// Λ = λI + p/(1−p)·diag(G) (EDLAE, Steck 2020: dropout on the input penalises each weight by
/// its row's popularity, which keeps B from leaning on the most frequent columns). With item
/// `content` (item–item only), G = XᵀX + w·ĈĈᵀ, Ĉ the content rows scaled to unit length: each
/// item's content is added as weighted pseudo-users (collective EASE, Jeunen et al. 2020), so
/// items with alike content share weight — an item with few events borrows from its look-alikes.
/// Items without training events (cold) get zero scores: EASE cannot rank users for them.
public final class EASEScorer: UserScorer {
    public enum Orientation: String, Sendable { case items, users }

    public let users: Int
    public let lambda: Float
    public let dropout: Float
    public let orientation: Orientation
    private let interactions: Tensor      // X [users, items] (item–item) or Xᵀ [items, users] (user–user)
    private let columnsOfB: Tensor        // Bᵀ: row j is column j of B

    public init(train: Events, users: Int, items: Int, lambda: Float, dropout: Float = 0, orientation: Orientation = .items,
                content: Tensor? = nil, contentWeight: Float = 1, monitor: (any ProgressMonitor)? = nil) throws {
        guard lambda.isFinite, lambda > 0 else { throw ModelError("ease", "lambda must be a positive number, got \(lambda)") }
        guard dropout.isFinite, dropout >= 0, dropout < 1 else { throw ModelError("ease", "dropout must be in [0, 1), got \(dropout)") }
        let unitContent = try content.map { try Self.unitRows($0, items: items, orientation: orientation, weight: contentWeight) }
        let n = orientation == .items ? items : users
        try Limits.floats([n, n], for: "ease", "the \(n) × \(n) \(orientation == .items ? "item–item" : "user–user") matrix")
        (self.users, self.lambda, self.dropout, self.orientation) = (users, lambda, dropout, orientation)
        interactions = try Interactions.dense(train, users: users, items: items, byItem: orientation == .users, op: "ease")
        try monitor?.advance(0.05, "ease: Gram matrix")
        let p = try interactions.matmul(interactions, transposeSelf: true)
        if let c = unitContent {
            let similar = try c.matmul(c, transposeOther: true)    // ĈĈᵀ [items, items]
            for k in 0..<n * n { p.pointer[k] += contentWeight * similar.pointer[k] }
        }
        let emphasis = dropout / (1 - dropout)
        for i in 0..<n { p.pointer[i * n + i] += lambda + emphasis * p.pointer[i * n + i] }
        try monitor?.advance(0.4, "ease: inverting \(n) × \(n)")
        guard Cholesky.invert(p.pointer, n: n) else {
            throw ModelError("ease", "G + Λ is not positive definite in single precision; raise lambda (\(lambda))")
        }
        // Bᵀ[i, j] = B[j, i] = −P[j, i] / P[i, i] = −P[i, j] / P[i, i] (P is symmetric).
        for i in 0..<n {
            let row = p.pointer + i * n, scale = -1 / row[i]
            for j in 0..<n { row[j] *= scale }
            row[i] = 0
        }
        columnsOfB = p
    }

    /// The content rows scaled to unit length (zero rows stay zero), checked against the items.
    private static func unitRows(_ content: Tensor, items: Int, orientation: Orientation, weight: Float) throws -> Tensor {
        guard orientation == .items else { throw ModelError("ease", "content needs the item–item orientation (its rows are items)") }
        guard weight.isFinite, weight >= 0 else { throw ModelError("ease", "content weight must be a number ≥ 0, got \(weight)") }
        guard content.rank == 2, content.shape[0] == items else {
            throw ModelError("ease", "content must be a [\(items), dim] matrix (a row per item), got \(content.shape)")
        }
        let c = content.copy(), d = content.shape[1]
        for i in 0..<items {
            let row = c.pointer + i * d
            var norm: Float = 0
            for k in 0..<d { norm += row[k] * row[k] }
            guard norm.isFinite else { throw ModelError("ease", "content row \(i) is not finite") }
            if norm > 0 { let scale = 1 / norm.squareRoot(); for k in 0..<d { row[k] *= scale } }
        }
        return c
    }

    public func scores(items: [Int32]) throws -> Tensor {
        switch orientation {
        case .items: return try columnsOfB.gatherRows(items).matmul(interactions, transposeOther: true)
        case .users: return try interactions.gatherRows(items).matmul(columnsOfB, transposeOther: true)
        }
    }
}
