import CKernels

/// Row-level operations on the row-major layout: gather, scatter-add, concatenation along the
/// last axis, and row slices. Indices are Int32 (the id type of embedding tables).
extension Tensor {
    /// Check that every index addresses one of `rows` rows.
    static func checkIndices(_ op: String, _ indices: UnsafeBufferPointer<Int32>, rows: Int) throws {
        if indicesFit(indices, rows: rows) { return }
        for (k, i) in indices.enumerated() where i < 0 || Int(i) >= rows {
            throw ModelError(op, "index \(i) at position \(k) is out of range for \(rows) rows")
        }
    }

    /// Whether every index is in 0..<rows, in one pass without a branch per index (a loop that
    /// stops at the first bad one does not vectorize): the largest index seen as unsigned, where
    /// a negative one wraps above every row count an Int32 index can reach.
    static func indicesFit(_ indices: UnsafeBufferPointer<Int32>, rows: Int) -> Bool {
        var largest: UInt32 = 0
        for i in indices { largest = Swift.max(largest, UInt32(bitPattern: i)) }
        return indices.isEmpty || Int(largest) < Swift.min(rows, Int(Int32.max) + 1)
    }

    /// Scales each row of a matrix to unit length in place (rows of zeros stay zero).
    func normalizeRows() {
        let width = shape[1]
        for r in 0..<shape[0] {
            let p = pointer + r * width
            let norm = Kernels.dot(p, p, width).squareRoot()
            if norm > 0 { for j in 0..<width { p[j] /= norm } }
        }
    }

    /// Rows `indices` of a matrix, as a [n, width] matrix.
    public func gatherRows(_ indices: [Int32]) throws -> Tensor {
        try indices.withUnsafeBufferPointer { try gatherRows($0) }
    }

    func gatherRows(_ indices: UnsafeBufferPointer<Int32>) throws -> Tensor {
        guard rank == 2 else { throw ModelError("gather", "needs a matrix, got shape \(shape)") }
        try Tensor.checkIndices("gather", indices, rows: shape[0])
        let width = shape[1]
        let out = Tensor(uninitialized: Shape(indices.count, width))
        // Rows of a large table come from memory one after another: the C pass prefetches the
        // lines of rows a few places ahead, keeping several in flight while one is copied.
        rk_gather_rows(pointer, Int64(width), indices.baseAddress, Int64(indices.count), out.pointer)
        return out
    }

    /// self[indices[k]] += rows[k] for every k (duplicates add up).
    public func scatterAddRows(_ indices: [Int32], _ rows: Tensor) throws {
        try indices.withUnsafeBufferPointer { try scatterAddRows($0, rows) }
    }

    func scatterAddRows(_ indices: UnsafeBufferPointer<Int32>, _ rows: Tensor) throws {
        guard rank == 2, rows.rank == 2, rows.shape[1] == shape[1], rows.shape[0] == indices.count else {
            throw ModelError.shapes("scatter_add", shape, rows.shape, "rows do not fit the table (\(indices.count) indices)")
        }
        try Tensor.checkIndices("scatter_add", indices, rows: shape[0])
        rk_scatter_add_rows(pointer, Int64(shape[1]), indices.baseAddress, Int64(indices.count), rows.pointer)
    }

    /// Concatenation along the last axis of tensors with the same leading shape.
    public static func concat(_ parts: [Tensor]) throws -> Tensor {
        guard let first = parts.first else { throw ModelError("concat", "nothing to concatenate") }
        let rows = first.shape.rows
        for p in parts where p.rank != first.rank || p.shape.rows != rows || p.rank == 0
            || (0..<(p.rank - 1)).contains(where: { p.shape[$0] != first.shape[$0] }) {
            throw ModelError.shapes("concat", first.shape, p.shape, "leading sizes differ")
        }
        let width = parts.reduce(0) { $0 + $1.shape.last }
        var dims = first.shape.dims
        dims[dims.count - 1] = width
        let out = Tensor(uninitialized: Shape(unchecked: dims))
        var offset = 0
        for p in parts {
            let w = p.shape.last
            for r in 0..<rows { (out.pointer + r * width + offset).update(from: p.pointer + r * w, count: w) }
            offset += w
        }
        return out
    }

    /// Rows `range` of the first axis, copied.
    public func rows(_ range: Range<Int>) throws -> Tensor {
        guard rank >= 1, range.lowerBound >= 0, range.upperBound <= shape[0] else {
            throw ModelError("slice", "rows \(range.lowerBound)..<\(range.upperBound) out of range for shape \(shape)")
        }
        var dims = shape.dims
        dims[0] = range.count
        let out = Tensor(uninitialized: Shape(unchecked: dims))
        let stride = count / Swift.max(shape[0], 1)
        out.pointer.update(from: pointer + range.lowerBound * stride, count: range.count * stride)
        return out
    }

    /// The transpose of a matrix.
    public var transposed: Tensor {
        get throws {
            guard rank == 2 else { throw ModelError("transpose", "needs a matrix, got shape \(shape)") }
            let (r, c) = (shape[0], shape[1])
            let out = Tensor(uninitialized: Shape(c, r))
            for i in 0..<r { for j in 0..<c { out.pointer[j * r + i] = pointer[i * c + j] } }
            return out
        }
    }
}
