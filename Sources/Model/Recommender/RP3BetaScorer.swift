#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// RP3β (Paudel et al. 2017) in the flip orientation: a three-step random walk on the bipartite
/// graph of training events from an item j to its fans v, on to their items i, on to those items'
/// fans u, each step's transition probability (1 ÷ the degree of the node left) raised to α, the
/// landing user's score divided by their degree^β (the popularity penalty: in this orientation
/// the walk ends at users, so heavy users are held back, as the original holds back popular items):
///   score(u, j) = d_u^−β · Σ_i X[u, i] · S[j, i],   S[j, i] = d_j^−α d_i^−α Σ_v d_v^−α X[v, j] X[v, i],
/// S's diagonal zero (the walk back to j itself only reaches users the evaluation excludes).
/// With `neighbours` k > 0 each item keeps its k most similar items (the largest S[j, ·]; ties to
/// the lower index). Items without training events (cold) get zero scores.
public final class RP3BetaScorer: UserScorer {
    public let users: Int
    public let alpha: Float
    public let beta: Float
    public let neighbours: Int
    private let interactions: Tensor      // X [users, items]
    private let similar: Tensor           // S [items, items]: row j holds item j's similarities
    private let userPenalty: [Float]      // d_u^−β (1 for users without events: their scores are 0)

    public init(train: Events, users: Int, items: Int, alpha: Float, beta: Float, neighbours: Int = 0,
                monitor: (any ProgressMonitor)? = nil) throws {
        guard alpha.isFinite, alpha >= 0 else { throw ModelError("rp3beta", "alpha must be a number ≥ 0, got \(alpha)") }
        guard beta.isFinite, beta >= 0 else { throw ModelError("rp3beta", "beta must be a number ≥ 0, got \(beta)") }
        guard neighbours >= 0 else { throw ModelError("rp3beta", "neighbours must be ≥ 0 (0 keeps every item), got \(neighbours)") }
        try Limits.floats([items, items], for: "rp3beta", "the \(items) × \(items) item–item matrix")
        (self.users, self.alpha, self.beta, self.neighbours) = (users, alpha, beta, neighbours)
        let x = try Interactions.dense(train, users: users, items: items, byItem: false, op: "rp3beta")
        interactions = x
        let (userDegree, itemDegree) = Self.degrees(x, users: users, items: items)
        let itemStep = itemDegree.map { $0 > 0 ? powf($0, -alpha) : 0 }
        userPenalty = userDegree.map { $0 > 0 ? powf($0, -beta) : 1 }
        // X scaled by each user's step d_v^−α, then S = Xᵀ·that, each entry by both items' steps.
        let scaled = x.copy()
        for v in 0..<users where userDegree[v] > 0 {
            let step = powf(userDegree[v], -alpha), row = scaled.pointer + v * items
            for i in 0..<items { row[i] *= step }
        }
        try monitor?.advance(0.2, "rp3beta: item–item walks")
        similar = try x.matmul(scaled, transposeSelf: true)
        for j in 0..<items {
            let row = similar.pointer + j * items
            for i in 0..<items { row[i] *= itemStep[j] * itemStep[i] }
            row[j] = 0
            if neighbours > 0 && neighbours < items { Self.keepLargest(neighbours, row, count: items) }
        }
    }

    /// Each user's and each item's event count: the row and column sums of the 0/1 matrix
    /// [users, items], in one pass.
    private static func degrees(_ x: Tensor, users: Int, items: Int) -> (users: [Float], items: [Float]) {
        var ofUser = [Float](repeating: 0, count: users), ofItem = [Float](repeating: 0, count: items)
        for u in 0..<users {
            let row = x.pointer + u * items
            for i in 0..<items where row[i] != 0 {
                ofUser[u] += 1
                ofItem[i] += 1
            }
        }
        return (ofUser, ofItem)
    }

    /// Zeroes all but the k largest entries of the row (ties kept by the lower index).
    private static func keepLargest(_ k: Int, _ row: UnsafeMutablePointer<Float>, count: Int) {
        let order = (0..<count).sorted { row[$0] > row[$1] || (row[$0] == row[$1] && $0 < $1) }
        for i in order[k...] { row[i] = 0 }
    }

    public func scores(items: [Int32]) throws -> Tensor {
        let s = try similar.gatherRows(items).matmul(interactions, transposeOther: true)   // [items, users]
        for r in 0..<items.count {
            let row = s.pointer + r * users
            for u in 0..<users { row[u] *= userPenalty[u] }
        }
        return s
    }
}
