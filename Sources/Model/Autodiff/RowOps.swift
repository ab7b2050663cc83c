import CKernels

/// Structural ops: gather, concatenation, slices, reshape and the row-wise dot product.
extension Variable {
    /// Rows `indices` of a table [R, W] → [n, W]. The table's gradient is a scatter-add of the
    /// incoming rows (kept as sparse rows when the table asked for it).
    public static func gather(_ table: Variable, _ indices: [Int32]) throws -> Variable {
        let out = try table.value.gatherRows(indices)
        return record(out, table, readsGradientOnly: true) { g in table.accumulateRows(indices, g) }
    }

    /// Concatenation along the last axis.
    public static func concat(_ parts: [Variable]) throws -> Variable {
        let out = try Tensor.concat(parts.map(\.value))
        return record(out, parents: parts) { g in
            let rows = g.shape.rows, width = g.shape.last
            var offset = 0
            for p in parts {
                let w = p.shape.last
                if p.requiresGrad {
                    let gp = Tensor(uninitialized: p.shape)
                    for r in 0..<rows { (gp.pointer + r * w).update(from: g.pointer + r * width + offset, count: w) }
                    p.accumulate(gp)
                }
                offset += w
            }
        }
    }

    /// Rows `range` of the first axis.
    public func rows(_ range: Range<Int>) throws -> Variable {
        let out = try value.rows(range)
        let stride = value.count / Swift.max(shape[0], 1)
        let full = shape
        return Variable.record(out, self) { [self] g in
            let gx = Tensor(zeros: full)
            (gx.pointer + range.lowerBound * stride).update(from: g.pointer, count: g.count)
            accumulate(gx)
        }
    }

    /// Columns `range` of the last axis (e.g. one gate out of an RNN's stacked gates).
    public func columns(_ range: Range<Int>) throws -> Variable {
        let width = shape.last
        guard rank >= 1, range.lowerBound >= 0, range.upperBound <= width else {
            throw ModelError("columns", "columns \(range.lowerBound)..<\(range.upperBound) out of range for shape \(shape)")
        }
        var dims = shape.dims
        dims[dims.count - 1] = range.count
        let outShape = Shape(unchecked: dims)
        let out = Tensor(uninitialized: outShape)
        let rows = shape.rows, w = range.count, x = value
        for r in 0..<rows { (out.pointer + r * w).update(from: x.pointer + r * width + range.lowerBound, count: w) }
        return Variable.record(out, self) { [self] g in
            let gx = Tensor(zeros: x.shape)
            for r in 0..<rows { (gx.pointer + r * width + range.lowerBound).update(from: g.pointer + r * w, count: w) }
            accumulate(gx)
        }
    }

    public func reshaped(_ newShape: Shape) throws -> Variable {
        let out = try value.reshaped(newShape)
        let old = shape
        return Variable.record(out, self) { [self] g in
            // A reshape of a fresh gradient tensor: ownership passes along with it.
            accumulate((try? g.reshaped(old)) ?? g)
        }
    }

    /// Row-wise dot product of two [B, D] matrices → [B].
    public static func rowDot(_ a: Variable, _ b: Variable) throws -> Variable {
        guard a.rank == 2, a.shape == b.shape else {
            throw ModelError.shapes("dot", a.shape, b.shape, "needs two matrices of the same shape, got")
        }
        let rows = a.shape[0], d = a.shape[1]
        let out = Tensor(uninitialized: Shape(rows))
        rk_row_dot(a.value.pointer, b.value.pointer, out.pointer, Int64(rows), Int64(d))
        return record(out, a, b) { g in
            // d(a·b)/da = b row by row (no array of the two cases: this runs every step).
            func send(to x: Variable, times other: Variable) {
                guard x.requiresGrad else { return }
                let gx = Tensor(uninitialized: x.shape)
                rk_scale_rows(g.pointer, other.value.pointer, gx.pointer, Int64(rows), Int64(d))
                x.accumulate(gx)
            }
            send(to: a, times: b)
            send(to: b, times: a)
        }
    }

    public var rank: Int { value.rank }
}
