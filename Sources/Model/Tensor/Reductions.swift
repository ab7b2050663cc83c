/// Sums and means, of everything or along an axis.
extension Tensor {
    public func sum() -> Float { Kernels.sum(pointer, count) }
    public func mean() -> Float { count == 0 ? 0 : sum() / Float(count) }

    /// The axis counted from the end when negative (-1 is the last), or an error.
    func normalizedAxis(_ axis: Int, _ op: String) throws -> Int {
        let a = axis < 0 ? axis + rank : axis
        guard rank > 0, a >= 0, a < rank else {
            throw ModelError(op, "axis \(axis) is out of range for shape \(shape)")
        }
        return a
    }

    /// Sum along one axis; the axis disappears from the shape.
    public func sum(axis: Int) throws -> Tensor {
        let a = try normalizedAxis(axis, "sum")
        let dims = shape.dims
        let outer = dims[..<a].reduce(1, *), n = dims[a], inner = dims[(a + 1)...].reduce(1, *)
        var outDims = dims
        outDims.remove(at: a)
        // Summing away an empty axis of [1e9, 0] holds nothing and makes 4 GB.
        try Limits.floats(outDims, for: "sum", "the result \(outDims)")
        let out = Tensor(zeros: Shape(unchecked: outDims))
        if inner == 1 {
            for o in 0..<outer { out.pointer[o] = Kernels.sum(pointer + o * n, n) }
        } else {
            for o in 0..<outer {
                for k in 0..<n { Kernels.add(pointer + (o * n + k) * inner, into: out.pointer + o * inner, inner) }
            }
        }
        return out
    }

    public func mean(axis: Int) throws -> Tensor {
        let a = try normalizedAxis(axis, "mean")
        let n = shape[a]
        let s = try sum(axis: a)
        let scale = n == 0 ? 0 : 1 / Float(n)
        for i in 0..<s.count { s.pointer[i] *= scale }
        return s
    }
}
