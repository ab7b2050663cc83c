/// Losses over the scores of each example's positive user `[B]` and of the K negative users
/// sampled for it `[B, K]`. Each is one fused op with a hand-written backward (checked against
/// finite differences and against the same loss built from primitives in the tests).
public enum RankingLoss {
    static func check(_ op: String, _ pos: Variable, _ neg: Variable) throws -> (Int, Int) {
        guard pos.rank == 1, neg.rank == 2, neg.shape[0] == pos.shape[0] else {
            throw ModelError.shapes(op, pos.shape, neg.shape, "needs positive scores [B] and negative scores [B, K], got")
        }
        return (neg.shape[0], neg.shape[1])
    }

    /// A loss whose gradients d(loss)/d(pos) and d(loss)/d(neg) came with its value (fused C
    /// passes): its backward only scales them by the incoming gradient. The first backward hands
    /// over the tensors themselves; a later one (gradients accumulate across calls) sends copies.
    static func recordPrecomputed(_ loss: Float, _ pos: Variable, _ gp: Tensor, _ neg: Variable, _ gn: Tensor) -> Variable {
        var handedOver = false
        return Variable.record(.scalar(loss), pos, neg) { g in
            if handedOver { send(g, pos, gp.copy(), neg, gn.copy()) } else { send(g, pos, gp, neg, gn) }
            handedOver = true
        }
    }

    /// Send d(loss)/d(pos) and d(loss)/d(neg), scaled by the incoming scalar gradient.
    static func send(_ g: Tensor, _ pos: Variable, _ gp: Tensor, _ neg: Variable, _ gn: Tensor) {
        let s = g.pointer[0]
        if s != 1 {
            for i in 0..<gp.count { gp.pointer[i] *= s }
            for i in 0..<gn.count { gn.pointer[i] *= s }
        }
        pos.accumulate(gp)
        neg.accumulate(gn)
    }
}
