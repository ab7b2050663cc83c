extension RankingLoss {
    /// Weighted squared error against implicit targets: positives should score 1 and sampled
    /// negatives 0; `alpha` weighs the positives (α ≫ 1 when negatives stand for everything
    /// unobserved). loss = α · mean((pos − 1)²) + negativeWeight · mean(neg²).
    public static func weightedMSE(positive pos: Variable, negative neg: Variable,
                                   alpha: Float, negativeWeight: Float = 1) throws -> Variable {
        let (b, k) = try check("wmse", pos, neg)
        let sp = alpha / Float(Swift.max(b, 1)), sn = negativeWeight / Float(Swift.max(b * k, 1))
        var lp: Float = 0
        for i in 0..<b { let d = pos.value.pointer[i] - 1; lp += d * d }
        let ln = Kernels.dot(neg.value.pointer, neg.value.pointer, neg.value.count)
        return Variable.record(.scalar(sp * lp + sn * ln), [pos, neg]) { g in
            let gp = Tensor(uninitialized: pos.shape), gn = Tensor(uninitialized: neg.shape)
            for i in 0..<b { gp.pointer[i] = 2 * sp * (pos.value.pointer[i] - 1) }
            for i in 0..<gn.count { gn.pointer[i] = 2 * sn * neg.value.pointer[i] }
            send(g, pos, gp, neg, gn)
        }
    }
}
