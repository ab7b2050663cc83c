import Model

/// Scores from fixed factors, s(i, u) = item[i] · user[u] + bias[u]: the shape of a trained
/// model's scoring (one product per tile, bias included) without training one, so that
/// `rec bench evaluate` times the ranking at any data shape. The bias rides in the product
/// as a last column (1 on the item side, the bias on the user side).
final class FactorScorer: UserScorer {
    let itemFactors: Tensor, userFactors: Tensor

    init(users: Int, items: Int, width: Int, seed: UInt64) throws {
        let rng = RandomSource(seed: seed)
        let item = try Tensor.normal(Shape(items, width), rng: rng).scalars
        let user = try Tensor.normal(Shape(users, width), rng: rng).scalars
        let bias = try Tensor.normal(Shape(users), std: 0.1, rng: rng).scalars
        func augmented(_ rows: [Float], _ last: (Int) -> Float, _ n: Int) -> [Float] {
            var out: [Float] = []
            out.reserveCapacity(n * (width + 1))
            for r in 0..<n { out += rows[(r * width)..<((r + 1) * width)]; out.append(last(r)) }
            return out
        }
        itemFactors = try Tensor(shape: Shape(items, width + 1), values: augmented(item, { _ in 1 }, items))
        userFactors = try Tensor(shape: Shape(users, width + 1), values: augmented(user, { bias[$0] }, users))
    }

    var users: Int { userFactors.shape[0] }

    func scores(items ids: [Int32]) throws -> Tensor {
        try itemFactors.gatherRows(ids).matmulTransposedWide(userFactors)
    }
}
