import CKernels

extension RankingLoss {
    /// Bayesian personalised ranking: mean over the B×K pairs of softplus(neg − pos),
    /// i.e. −log σ(pos − neg).
    public static func bpr(positive pos: Variable, negative neg: Variable) throws -> Variable {
        let (b, k) = try check("bpr", pos, neg)
        let n = b * k
        let scale = 1 / Float(Swift.max(n, 1))
        // Forward and backward in one C pass (σ(neg − pos) per pair is the whole backward).
        let gp = Tensor(uninitialized: pos.shape), gn = Tensor(uninitialized: neg.shape)
        let total = rk_bpr(pos.value.pointer, neg.value.pointer, gp.pointer, gn.pointer, Int64(b), Int64(k), scale)
        return recordPrecomputed(total * scale, pos, gp, neg, gn)
    }
}
