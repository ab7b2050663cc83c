#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Tensor {
    /// Row-wise softmax along the last axis (max subtracted first, so it never overflows).
    func softmaxRows() -> Tensor {
        let out = Tensor(uninitialized: shape)
        let w = shape.last
        // Rows of width 0 hold nothing: [1e9, 5, 0] has 5e9 of them and no value to compute.
        if count == 0 { return out }
        for r in 0..<shape.rows {
            let x = pointer + r * w, y = out.pointer + r * w
            let m = Kernels.maximum(x, w)
            var z: Float = 0
            for i in 0..<w { y[i] = expf(x[i] - m); z += y[i] }
            let inv = 1 / z
            for i in 0..<w { y[i] *= inv }
        }
        return out
    }
}

extension Variable {
    /// Softmax along the last axis.
    public func softmax() throws -> Variable {
        guard value.rank >= 1 else { throw ModelError("softmax", "needs at least one axis, got a scalar") }
        let y = value.softmaxRows()
        return Variable.record(y, self) { [self] g in
            // dx = y * (g - Σ g·y) per row
            let gx = Tensor(uninitialized: y.shape)
            let w = y.shape.last
            for r in 0..<(y.count == 0 ? 0 : y.shape.rows) {
                let pg = g.pointer + r * w, py = y.pointer + r * w, px = gx.pointer + r * w
                let s = Kernels.dot(pg, py, w)
                for i in 0..<w { px[i] = py[i] * (pg[i] - s) }
            }
            accumulate(gx)
        }
    }

    /// log(softmax(x)) along the last axis, computed as x - logsumexp(x).
    public func logSoftmax() throws -> Variable {
        guard value.rank >= 1 else { throw ModelError("log_softmax", "needs at least one axis, got a scalar") }
        let x = value
        let p = x.softmaxRows()
        let y = Tensor(uninitialized: x.shape)
        let w = x.shape.last
        for r in 0..<(x.count == 0 ? 0 : x.shape.rows) {
            let px = x.pointer + r * w, py = y.pointer + r * w
            let m = Kernels.maximum(px, w)
            var z: Float = 0
            for i in 0..<w { z += expf(px[i] - m) }
            let lse = m + logf(z)
            for i in 0..<w { py[i] = px[i] - lse }
        }
        return Variable.record(y, self) { [self] g in
            // dx = g - softmax(x) Σ g per row
            let gx = Tensor(uninitialized: x.shape)
            for r in 0..<(x.count == 0 ? 0 : x.shape.rows) {
                let pg = g.pointer + r * w, pp = p.pointer + r * w, pgx = gx.pointer + r * w
                let s = Kernels.sum(pg, w)
                for i in 0..<w { pgx[i] = pg[i] - pp[i] * s }
            }
            accumulate(gx)
        }
    }
}
