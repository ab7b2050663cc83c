extension RankingLoss {
    /// Bayesian personalised ranking: mean over the B×K pairs of softplus(neg − pos),
    /// i.e. −log σ(pos − neg).
    public static func bpr(positive pos: Variable, negative neg: Variable) throws -> Variable {
        let (b, k) = try check("bpr", pos, neg)
        let scale = 1 / Float(Swift.max(b * k, 1))
        // σ(neg − pos) per pair is the whole backward; keep it from the forward pass.
        let sig = Tensor(uninitialized: neg.shape)
        var total: Float = 0
        for i in 0..<b {
            let p = pos.value.pointer[i], n = neg.value.pointer + i * k, s = sig.pointer + i * k
            var rowLoss: Float = 0
            for j in 0..<k {
                let x = n[j] - p
                rowLoss += SoftplusFunction.f(x)
                s[j] = SigmoidFunction.f(x)
            }
            total += rowLoss
        }
        return Variable.record(.scalar(total * scale), [pos, neg]) { g in
            let gp = Tensor(uninitialized: pos.shape), gn = Tensor(uninitialized: neg.shape)
            for i in 0..<b {
                let s = sig.pointer + i * k, d = gn.pointer + i * k
                var acc: Float = 0
                for j in 0..<k { d[j] = s[j] * scale; acc += s[j] }
                gp.pointer[i] = -acc * scale
            }
            send(g, pos, gp, neg, gn)
        }
    }
}
