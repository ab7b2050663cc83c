import CKernels

extension RankingLoss {
    /// Listwise: softmax over [pos, neg₁…neg_K] per example, cross-entropy with the positive
    /// as the target, averaged over the batch.
    public static func listwise(positive pos: Variable, negative neg: Variable) throws -> Variable {
        let (b, k) = try check("listwise", pos, neg)
        let scale = 1 / Float(Swift.max(b, 1))
        // Forward and backward in one C pass: the gradients are ready before anything asks.
        let gp = Tensor(uninitialized: pos.shape), gn = Tensor(uninitialized: neg.shape)
        let total = rk_listwise(pos.value.pointer, neg.value.pointer, gp.pointer, gn.pointer, Int64(b), Int64(k), scale)
        return recordPrecomputed(total * scale, pos, gp, neg, gn)
    }
}
