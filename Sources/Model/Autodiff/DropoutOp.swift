extension Variable {
    /// Inverted dropout: each element (or each whole row, for embedding dropout) is zeroed
    /// with probability `rate` and the rest scaled by 1/(1-rate), so inference needs no change.
    /// Callers apply it only while training.
    public func dropout(rate: Float, rng: RandomSource, wholeRows: Bool = false) throws -> Variable {
        guard rate >= 0 && rate < 1 else {
            throw ModelError("dropout", "rate must be in [0, 1), got \(rate)")
        }
        if rate == 0 { return self }
        let x = value
        let mask = Tensor(uninitialized: x.shape)
        let keep = 1 / (1 - rate), m = mask.pointer
        if wholeRows {
            let w = x.shape.last
            for r in 0..<x.shape.rows {
                let v: Float = rng.uniform() < rate ? 0 : keep
                (m + r * w).update(repeating: v, count: w)
            }
        } else {
            // Two 32-bit draws per 64-bit random number, compared without a branch (a branch
            // on random data mispredicts on every dropped element): u − threshold wraps
            // below zero, setting the top bit, exactly when u < threshold.
            let threshold = UInt64(Double(rate) * 4_294_967_296)
            @inline(__always) func factor(_ u: UInt64) -> Float { keep * Float(1 - ((u &- threshold) >> 63)) }
            var i = 0
            while i + 1 < x.count {
                let r = rng.next()
                m[i] = factor(r & 0xFFFF_FFFF)
                m[i + 1] = factor(r >> 32)
                i += 2
            }
            if i < x.count { m[i] = factor(rng.next() & 0xFFFF_FFFF) }
        }
        let y = Tensor(uninitialized: x.shape)
        for i in 0..<x.count { y.pointer[i] = x.pointer[i] * m[i] }
        return Variable.record(y, [self]) { [self] g in
            let gx = Tensor(uninitialized: x.shape)
            for i in 0..<x.count { gx.pointer[i] = g.pointer[i] * m[i] }
            _ = mask  // kept alive with the closure
            accumulate(gx)
        }
    }
}
