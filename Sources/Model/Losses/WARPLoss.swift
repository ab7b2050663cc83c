extension RankingLoss {
    /// WARP (Weston et al. 2011) in the flip orientation: for each example, its K negative
    /// users are read in the order they were drawn until one violates the margin
    /// (neg > pos − margin): that is "sampling until a violation", with at most K draws. If the
    /// first violation is draw N, the positive's rank among `users` is estimated as
    /// r = ⌊(users − 1) / N⌋ and the hinge margin − pos + neg is weighted by
    /// L(r) = 1 + 1/2 + … + 1/r, so a positive that many users beat (found at once) is pushed
    /// hardest. Examples without a violation add nothing. The loss is the mean over examples.
    public static func warp(positive pos: Variable, negative neg: Variable, margin: Float, users: Int) throws -> Variable {
        let (b, k) = try check("warp", pos, neg)
        guard margin.isFinite, margin >= 0 else { throw ModelError("warp", "margin must be a number ≥ 0, got \(margin)") }
        guard users >= 2 else { throw ModelError("warp", "needs at least 2 users to rank, got \(users)") }
        let scale = 1 / Float(Swift.max(b, 1))
        var violator = [Int](repeating: -1, count: b), weight = [Float](repeating: 0, count: b)
        var total: Float = 0
        for i in 0..<b {
            let p = pos.value.pointer[i], row = neg.value.pointer + i * k
            guard let j = (0..<k).first(where: { row[$0] > p - margin }) else { continue }
            let rank = Swift.max(1, (users - 1) / (j + 1))
            violator[i] = j
            weight[i] = harmonic(rank)
            total += weight[i] * (margin - p + row[j])
        }
        return Variable.record(.scalar(total * scale), pos, neg) { g in
            let gp = Tensor(zeros: pos.shape), gn = Tensor(zeros: neg.shape)
            for i in 0..<b where violator[i] >= 0 {
                gp.pointer[i] = -weight[i] * scale
                gn.pointer[i * k + violator[i]] = weight[i] * scale
            }
            send(g, pos, gp, neg, gn)
        }
    }

    /// 1 + 1/2 + … + 1/n.
    static func harmonic(_ n: Int) -> Float {
        var s: Double = 0
        for j in 1...Swift.max(n, 1) { s += 1 / Double(j) }
        return Float(s)
    }
}
