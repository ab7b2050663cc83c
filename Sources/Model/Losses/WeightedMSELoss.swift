import CKernels

extension RankingLoss {
    /// Weighted squared error against implicit targets: positives should score 1 and sampled
    /// negatives 0; `alpha` weighs the positives (α ≫ 1 when negatives stand for everything
    /// unobserved). loss = α · mean((pos − 1)²) + negativeWeight · mean(neg²).
    public static func weightedMSE(positive pos: Variable, negative neg: Variable,
                                   alpha: Float, negativeWeight: Float = 1) throws -> Variable {
        let (b, k) = try check("wmse", pos, neg)
        let sp = alpha / Float(Swift.max(b, 1)), sn = negativeWeight / Float(Swift.max(b * k, 1))
        // Forward and backward in one C pass.
        let gp = Tensor(uninitialized: pos.shape), gn = Tensor(uninitialized: neg.shape)
        let total = rk_wmse(pos.value.pointer, neg.value.pointer, gp.pointer, gn.pointer, Int64(b), Int64(k), sp, sn)
        return recordPrecomputed(total, pos, gp, neg, gn)
    }

    /// The same error with every user as a negative: each of the B examples' item scores all
    /// n users, the users with a training event with the item are left out (their target is
    /// not 0), and `unobservedSquares` is Σ_b Σ_{u unobserved} s², from `gramianSquares`.
    /// loss = α · mean((pos − 1)²) + negativeWeight · unobservedSquares / (B · n):
    /// the mean over users stands where sampling's mean over K negatives stood, so uniform
    /// sampling estimates this loss (up to the observed users it does not leave out) and α
    /// means the same with either.
    public static func weightedMSEAllUsers(positive pos: Variable, unobservedSquares z: Variable, users n: Int,
                                           alpha: Float, negativeWeight: Float = 1) throws -> Variable {
        guard pos.rank == 1, z.value.count == 1, n >= 1 else {
            throw ModelError.shapes("wmse", pos.shape, z.shape, "needs positive scores [B] and one sum of squares, got")
        }
        let b = pos.shape[0]
        let sp = alpha / Float(Swift.max(b, 1)), sz = negativeWeight / (Float(Swift.max(b, 1)) * Float(n))
        var lp: Float = 0
        for i in 0..<b { let d = pos.value.pointer[i] - 1; lp += d * d }
        return Variable.record(.scalar(sp * lp + sz * z.value.pointer[0]), pos, z) { g in
            let s = g.pointer[0]
            let gp = Tensor(uninitialized: pos.shape)
            for i in 0..<b { gp.pointer[i] = 2 * sp * s * (pos.value.pointer[i] - 1) }
            pos.accumulate(gp)
            z.accumulate(Tensor(repeating: sz * s, shape: z.shape))
        }
    }
}
