extension RankingLoss {
    /// Bayesian personalised ranking: mean over the B×K pairs of softplus(neg − pos),
    /// i.e. −log σ(pos − neg).
    public static func bpr(positive pos: Variable, negative neg: Variable) throws -> Variable {
        let (b, k) = try check("bpr", pos, neg)
        let n = b * k
        let scale = 1 / Float(Swift.max(n, 1))
        // σ(neg − pos) per pair is the whole backward; keep it from the forward pass.
        let sig = Tensor(uninitialized: neg.shape)
        let s = sig.pointer
        for i in 0..<b {
            let p = pos.value.pointer[i], row = neg.value.pointer + i * k, d = s + i * k
            for j in 0..<k { d[j] = row[j] - p }
        }
        // One exp per pair serves both softplus and σ.
        var total = SIMD8<Float>()
        func pairs(_ x: SIMD8<Float>) -> (loss: SIMD8<Float>, sigma: SIMD8<Float>) {
            let e = FastMath.exp(-FastMath.abs(x))
            let r = 1 / (1 + e)
            return (FastMath.max(x, 0) + FastMath.log(1 + e), r.replacing(with: e * r, where: x .< 0))
        }
        var i = 0
        while i + 8 <= n {
            let (l, sigma) = pairs(UnsafeRawPointer(s + i).loadUnaligned(as: SIMD8<Float>.self))
            total += l
            UnsafeMutableRawPointer(s + i).storeBytes(of: sigma, as: SIMD8<Float>.self)
            i += 8
        }
        if i < n {
            var x = SIMD8<Float>(), valid = SIMD8<Float>()
            for l in 0..<(n - i) { x[l] = s[i + l]; valid[l] = 1 }
            let (l, sigma) = pairs(x)
            total += l * valid  // padded lanes add nothing
            for l in 0..<(n - i) { s[i + l] = sigma[l] }
        }
        return Variable.record(.scalar(total.sum() * scale), [pos, neg]) { g in
            let gp = Tensor(uninitialized: pos.shape), gn = Tensor(uninitialized: neg.shape)
            for i in 0..<b {
                let s = sig.pointer + i * k, d = gn.pointer + i * k
                for j in 0..<k { d[j] = s[j] * scale }
                gp.pointer[i] = -Kernels.sum(s, k) * scale
            }
            send(g, pos, gp, neg, gn)
        }
    }
}
