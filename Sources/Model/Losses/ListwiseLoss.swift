import CKernels

extension RankingLoss {
    /// Listwise: softmax over [pos, neg₁…neg_K] per example, cross-entropy with the positive
    /// as the target, averaged over the batch.
    public static func listwise(positive pos: Variable, negative neg: Variable) throws -> Variable {
        let (b, k) = try check("listwise", pos, neg)
        let scale = 1 / Float(Swift.max(b, 1))
        // Softmax probabilities of the negatives and of the positive, kept for the backward.
        let probs = Tensor(uninitialized: neg.shape), posProb = Tensor(uninitialized: pos.shape)
        let total = rk_listwise_forward(pos.value.pointer, neg.value.pointer, probs.pointer, posProb.pointer, Int64(b), Int64(k))
        return Variable.record(.scalar(total * scale), [pos, neg]) { g in
            let gp = Tensor(uninitialized: pos.shape), gn = Tensor(uninitialized: neg.shape)
            for i in 0..<b { gp.pointer[i] = (posProb.pointer[i] - 1) * scale }
            for i in 0..<gn.count { gn.pointer[i] = probs.pointer[i] * scale }
            send(g, pos, gp, neg, gn)
        }
    }
}
