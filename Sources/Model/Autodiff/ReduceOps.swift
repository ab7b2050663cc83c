import CKernels

extension Variable {
    /// The sum of all elements, as a scalar.
    public func sum() -> Variable {
        let x = value
        return Variable.record(.scalar(x.sum()), self) { [self] g in
            accumulate(Tensor(repeating: g.pointer[0], shape: x.shape))
        }
    }

    /// Σ x², as a scalar: `(x * x).sum()`'s bits in one op (weight decay's penalty). Its
    /// gradient 2g·x is one pass, where the product and the sum took four (the sum's gradient
    /// spread over x's shape, two products, their sum) — twice g·x is (2g)·x, bit for bit.
    public func sumOfSquares() -> Variable {
        let x = value, squares = Tensor(uninitialized: x.shape)
        rk_multiply(x.pointer, x.pointer, squares.pointer, Int64(x.count))
        return Variable.record(.scalar(squares.sum()), self) { [self] g in
            let twice = [2 * g.pointer[0]], gx = Tensor(uninitialized: x.shape)
            rk_scale_rows(twice, x.pointer, gx.pointer, 1, Int64(x.count))
            accumulate(gx)
        }
    }

    /// The mean of all elements, as a scalar.
    public func mean() -> Variable {
        let x = value
        let n = Float(Swift.max(x.count, 1))
        return Variable.record(.scalar(x.sum() / n), self) { [self] g in
            accumulate(Tensor(repeating: g.pointer[0] / n, shape: x.shape))
        }
    }

    /// Sum along an axis (negative counts from the end); the axis disappears.
    public func sum(axis: Int) throws -> Variable {
        try reduce(axis: axis, scale: false)
    }

    public func mean(axis: Int) throws -> Variable {
        try reduce(axis: axis, scale: true)
    }

    private func reduce(axis: Int, scale: Bool) throws -> Variable {
        let x = value
        let a = try x.normalizedAxis(axis, scale ? "mean" : "sum")
        let out = scale ? try x.mean(axis: a) : try x.sum(axis: a)
        let dims = x.shape.dims
        let outer = dims[..<a].reduce(1, *), n = dims[a], inner = dims[(a + 1)...].reduce(1, *)
        let factor: Float = scale ? (n == 0 ? 0 : 1 / Float(n)) : 1
        return Variable.record(out, self) { [self] g in
            // Every element along the axis gets the gradient of its reduced value.
            let gx = Tensor(uninitialized: x.shape)
            for o in 0..<outer {
                for k in 0..<n {
                    let dst = gx.pointer + (o * n + k) * inner, src = g.pointer + o * inner
                    for i in 0..<inner { dst[i] = src[i] * factor }
                }
            }
            accumulate(gx)
        }
    }
}
