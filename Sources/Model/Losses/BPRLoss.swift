import CKernels

extension RankingLoss {
    /// Bayesian personalised ranking: mean over the B×K pairs of softplus(neg − pos),
    /// i.e. −log σ(pos − neg).
    public static func bpr(positive pos: Variable, negative neg: Variable) throws -> Variable {
        let (b, k) = try check("bpr", pos, neg)
        let n = b * k
        let scale = 1 / Float(Swift.max(n, 1))
        // σ(neg − pos) per pair is the whole backward; keep it from the forward pass.
        let sig = Tensor(uninitialized: neg.shape)
        let total = rk_bpr_forward(pos.value.pointer, neg.value.pointer, sig.pointer, Int64(b), Int64(k))
        return Variable.record(.scalar(total * scale), [pos, neg]) { g in
            let gp = Tensor(uninitialized: pos.shape), gn = Tensor(uninitialized: neg.shape)
            rk_bpr_backward(sig.pointer, gp.pointer, gn.pointer, Int64(b), Int64(k), scale)
            send(g, pos, gp, neg, gn)
        }
    }
}
