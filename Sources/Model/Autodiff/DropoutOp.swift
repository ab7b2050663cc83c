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
            // Two 32-bit draws per 64-bit random number. A dropped element is u < threshold:
            // u − threshold, in 64 bits, is then negative, and its arithmetic shift by 63 is an
            // all-ones mask that clears keep's bit pattern. Written as a comparison, even a
            // vector one, the compiler makes it a branch (or slow code), which mispredicts on
            // random data.
            let threshold = Int64(Double(rate) * 4_294_967_296)
            let keepBits = keep.bitPattern
            let n = x.count
            // Stored as integers: a select between two floats has no branch-free form on the
            // default x86-64 target (no blend), one between two integers does (cmov).
            @inline(__always) func factor(_ u: UInt64) -> UInt32 {
                let droppedMask = (Int64(bitPattern: u) &- threshold) >> 63
                return keepBits & ~UInt32(truncatingIfNeeded: droppedMask)
            }
            m.withMemoryRebound(to: UInt32.self, capacity: n) { bits in
                rng.withStream { stream in
                    var i = 0
                    while i + 1 < n {
                        let r = stream.next()
                        bits[i] = factor(r & 0xFFFF_FFFF)
                        bits[i + 1] = factor(r >> 32)
                        i += 2
                    }
                    if i < n { bits[i] = factor(stream.next() & 0xFFFF_FFFF) }
                }
            }
        }
        let y = Tensor(uninitialized: x.shape)
        Kernels.multiply(x.pointer, m, y.pointer, x.count)
        return Variable.record(y, [self]) { [self] g in
            let gx = Tensor(uninitialized: x.shape)
            Kernels.multiply(g.pointer, m, gx.pointer, x.count)
            _ = mask  // kept alive with the closure
            accumulate(gx)
        }
    }
}
