import Foundation

extension RankingLoss {
    /// Listwise over every user (the multinomial likelihood of Mult-DAE/VAE, in the flip
    /// orientation): `all` [B, U] holds each example's item scored against every user, the
    /// positive among them, so each example costs log Σ_u exp(all_bu) − pos_b (the positive counted
    /// once, in the sum); the mean over the batch. `pos` is the positive's own score, a separate
    /// input, so its gradient (−1/B) and its column's (its softmax share) both reach the model.
    public static func softmaxOverUsers(positive pos: Variable, all: Variable) throws -> Variable {
        let (b, users) = try check("listwise over all users", pos, all)
        let scale = 1 / Float(Swift.max(b, 1))
        let gp = Tensor(uninitialized: pos.shape), gn = Tensor(uninitialized: all.shape)
        var total: Double = 0
        let s = all.value.pointer, p = pos.value.pointer
        for r in 0..<b {
            let row = s + r * users, grad = gn.pointer + r * users
            var top = -Float.infinity
            for u in 0..<users { top = Swift.max(top, row[u]) }
            // Shifted by the row's maximum so exp never overflows; the shares are normalised below.
            var sum: Float = 0
            for u in 0..<users { let e = Foundation.exp(row[u] - top); grad[u] = e; sum += e }
            let share = scale / sum
            for u in 0..<users { grad[u] *= share }
            total += Double(top + Foundation.log(sum) - p[r])
            gp.pointer[r] = -scale
        }
        return recordPrecomputed(Float(total) * scale, pos, gp, all, gn)
    }
}
