#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension RankingLoss {
    /// Listwise: softmax over [pos, neg₁…neg_K] per example, cross-entropy with the positive
    /// as the target, averaged over the batch.
    public static func listwise(positive pos: Variable, negative neg: Variable) throws -> Variable {
        let (b, k) = try check("listwise", pos, neg)
        let scale = 1 / Float(Swift.max(b, 1))
        // Softmax probabilities of the negatives and of the positive, kept for the backward.
        let probs = Tensor(uninitialized: neg.shape), posProb = Tensor(uninitialized: pos.shape)
        var total: Float = 0
        for i in 0..<b {
            let p = pos.value.pointer[i], n = neg.value.pointer + i * k, q = probs.pointer + i * k
            let m = Swift.max(p, Kernels.maximum(n, k))
            let ep = expf(p - m)
            FastMath.map(n, q, k) { FastMath.expNonPositive($0 - m) }  // ≤ 0: m is the row's maximum
            let z = ep + Kernels.sum(q, k)
            let inv = 1 / z
            for j in 0..<k { q[j] *= inv }
            posProb.pointer[i] = ep * inv
            total += logf(z) + m - p
        }
        return Variable.record(.scalar(total * scale), [pos, neg]) { g in
            let gp = Tensor(uninitialized: pos.shape), gn = Tensor(uninitialized: neg.shape)
            for i in 0..<b { gp.pointer[i] = (posProb.pointer[i] - 1) * scale }
            for i in 0..<gn.count { gn.pointer[i] = probs.pointer[i] * scale }
            send(g, pos, gp, neg, gn)
        }
    }
}
