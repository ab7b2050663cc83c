import CKernels

/// An inverted-dropout mask over a tensor: each element zeroed with probability `rate`, the rest
/// scaled by 1/(1-rate), so inference needs no change; and the masked tensor.
struct DropoutMask {
    let mask: Tensor, output: Tensor

    /// Draws the mask for `x` (two 32-bit draws per 64-bit random number: a dropped element is
    /// u < threshold) and applies it, in one C pass that continues the generator's stream.
    init(rate: Float, rng: RandomSource, applyingTo x: Tensor) throws {
        guard rate >= 0 && rate < 1 else {
            throw ModelError("dropout", "rate must be in [0, 1), got \(rate)")
        }
        mask = Tensor(uninitialized: x.shape)
        output = Tensor(uninitialized: x.shape)
        let threshold = Int64(Double(rate) * 4_294_967_296)
        let keepBits = (1 / (1 - rate)).bitPattern
        let (m, y, n) = (mask.pointer, output.pointer, Int64(x.count))
        rng.withStateWords { rk_dropout_forward($0, threshold, keepBits, x.pointer, m, y, n) }
    }
}

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
        let mask: Tensor, y: Tensor
        if wholeRows {
            mask = Tensor(uninitialized: x.shape)
            let keep = 1 / (1 - rate), w = x.shape.last
            for r in 0..<x.shape.rows {
                let v: Float = rng.uniform() < rate ? 0 : keep
                (mask.pointer + r * w).update(repeating: v, count: w)
            }
            y = Tensor(uninitialized: x.shape)
            rk_multiply(x.pointer, mask.pointer, y.pointer, Int64(x.count))
        } else {
            let drawn = try DropoutMask(rate: rate, rng: rng, applyingTo: x)
            (mask, y) = (drawn.mask, drawn.output)
        }
        return Variable.record(y, self) { [self] g in
            let gx = Tensor(uninitialized: x.shape)
            rk_multiply(g.pointer, mask.pointer, gx.pointer, Int64(x.count))
            accumulate(gx)
        }
    }
}

