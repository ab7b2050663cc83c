import CKernels

/// For each group (an item), the columns (users) a Gramian sum leaves out, in compressed rows:
/// group g's columns are `columns[starts[g]..<starts[g + 1]]`, ascending, each once, all
/// below `limit`. Checked once here, so the op that reads it every batch need not.
public struct ExcludedColumns: Sendable {
    public let starts: [Int]
    public let columns: [Int32]
    /// The number of columns these index.
    public let limit: Int

    public init(starts: [Int], columns: [Int32], limit: Int) throws {
        guard starts.first == 0, starts.last == columns.count, zip(starts, starts.dropFirst()).allSatisfy({ $0 <= $1 }) else {
            throw ModelError("gramian", "the excluded columns' offsets do not describe their \(columns.count) columns")
        }
        for g in 0..<(starts.count - 1) where starts[g] < starts[g + 1] {
            let part = columns[starts[g]..<starts[g + 1]]
            guard part.first! >= 0, Int(part.last!) < limit, zip(part, part.dropFirst()).allSatisfy({ $0 < $1 }) else {
                throw ModelError("gramian", "group \(g)'s excluded columns must ascend within 0..<\(limit)")
            }
        }
        self.starts = starts
        self.columns = columns
        self.limit = limit
    }

    public var groups: Int { starts.count - 1 }

    /// The rows' groups, the offsets and the columns as the C kernels take them.
    func withPointers<R>(_ rowGroups: [Int32],
                         _ body: (UnsafePointer<Int32>?, UnsafePointer<Int64>?, UnsafePointer<Int32>?) -> R) -> R {
        rowGroups.withUnsafeBufferPointer { g in
            starts.withUnsafeBufferPointer { st in
                st.withMemoryRebound(to: Int64.self) { st in
                    columns.withUnsafeBufferPointer { body(g.baseAddress, st.baseAddress, $0.baseAddress) }
                }
            }
        }
    }
}

extension Variable {
    /// Σ_b Σ_{c ∉ excluded(groups[b])} (v_b · u_c)²: every row of `v` [B, d] scored against
    /// every row of `u` [n, d] but the excluded ones, squared and summed, without forming the
    /// B × n scores (the Gramian trick of implicit ALS):
    ///     Σ_b v_bᵀ (UᵀU) v_b − Σ_b Σ_{c excluded} (v_b · u_c)².
    /// Costs one d × d Gramian, B·d² and d per excluded pair; its gradients are
    /// 2·V·(UᵀU) and 2·U·(VᵀV) (BLAS) with the excluded pairs' terms taken off.
    ///
    /// With a `seat`, this is one part of a split batch whose every part has the same `u`: the
    /// parts share the two products over all of u's rows (n·d² each, most of a step when n is
    /// large) instead of each forming them whole. Each forms UᵀU over its slice of the rows and
    /// the parts add the slices; each posts its 2·VᵀV and forms its slice of the rows of
    /// U·Σ(2·VᵀV), the sum of every part's gradient term.
    ///
    /// Rows of `v` that repeat an earlier row of their group bit for bit (`RepeatedRows`) are
    /// taken once, scaled by √(their count): the same sum and gradients, fewer pairs.
    public static func gramianSquares(_ v: Variable, _ u: Variable, groups: [Int32], excluded: ExcludedColumns,
                                      seat: PartSeat? = nil) throws -> Variable {
        guard v.rank == 2, u.rank == 2, v.shape[1] == u.shape[1] else {
            throw ModelError.shapes("gramian", v.shape, u.shape, "needs rows [B, d] and columns [n, d], got")
        }
        let (b, d, n) = (v.shape[0], v.shape[1], u.shape[0])
        guard groups.count == b else { throw ModelError("gramian", "\(groups.count) groups for \(b) rows") }
        guard excluded.limit == n else { throw ModelError("gramian", "excluded columns index \(excluded.limit) columns, not \(n)") }
        for g in groups where g < 0 || Int(g) >= excluded.groups {
            throw ModelError("gramian", "group \(g) is out of range (\(excluded.groups) groups)")
        }
        let gram: Tensor
        if let seat {
            guard let sum = seat.sum(crossProduct(u.value, rows: seat.rows(of: n))) else { throw PartAbandoned() }
            gram = sum
        } else {
            gram = Tensor(uninitialized: Shape(d, d))
            BLAS.gemm(u.value, transposeA: true, u.value, transposeB: false, into: gram)
        }
        // The rows taken: each distinct row once (scaled), with its group.
        let repeated = RepeatedRows.find(v.value, groups: groups)
        let rows = repeated.map { $0.scaledRows(v.value) } ?? v.value
        let rowGroups = repeated.map { r in r.kept.map { groups[Int($0)] } } ?? groups
        let r = rows.shape[0]
        let vg = Tensor(uninitialized: Shape(r, d))
        BLAS.gemm(rows, transposeA: false, gram, transposeB: false, into: vg)
        // The excluded pairs' scores, row by row (what the correction and its gradient need),
        // in C: per pair a dot over d floats of a u row looked up at random.
        let pairs = rowGroups.reduce(0) { $0 + excluded.starts[Int($1) + 1] - excluded.starts[Int($1)] }
        let scores = Tensor(uninitialized: Shape(Swift.max(1, pairs)))
        let total = excluded.withPointers(rowGroups) { g, st, cols in
            rk_excluded_scores(rows.pointer, u.value.pointer, Int64(d), g, Int64(r), st, cols, scores.pointer,
                               Double(Kernels.dot(rows.pointer, vg.pointer, r * d)))
        }
        return record(.scalar(Float(total)), v, u) { g in
            let two = 2 * g.pointer[0]
            var gv: Tensor?, gu: Tensor?
            if v.requiresGrad {
                let t = Tensor(uninitialized: rows.shape)
                for i in 0..<t.count { t.pointer[i] = two * vg.pointer[i] }
                gv = t
            }
            if u.requiresGrad, let seat {
                let vv = Tensor(uninitialized: Shape(d, d))
                BLAS.gemm(rows, transposeA: true, rows, transposeB: false, into: vv, alpha: two)
                // Another part failed: its step fails too, so this gradient is never used.
                guard let sum = seat.sum(vv) else { return }
                // This part's slice of the users' rows (`rows` are the batch's distinct item rows).
                let t = Tensor(zeros: u.shape), mine = seat.rows(of: n)
                BLAS.gemm(m: mine.count, n: d, k: d, u.value.pointer + mine.lowerBound * d, lda: d, transposeA: false,
                          sum.pointer, ldb: d, transposeB: false, t.pointer + mine.lowerBound * d, ldc: d)
                gu = t
            } else if u.requiresGrad {
                let vv = Tensor(uninitialized: Shape(d, d)), t = Tensor(uninitialized: u.shape)
                BLAS.gemm(rows, transposeA: true, rows, transposeB: false, into: vv)
                BLAS.gemm(u.value, transposeA: false, vv, transposeB: false, into: t, alpha: two)
                gu = t
            }
            excluded.withPointers(rowGroups) { g, st, cols in
                rk_excluded_backward(rows.pointer, u.value.pointer, Int64(d), g, Int64(r), st, cols, scores.pointer, two,
                                     gv?.pointer, gu?.pointer)
            }
            if let gv { v.accumulate(repeated.map { $0.spread(gv, rows: b) } ?? gv) }
            if let gu { u.accumulate(gu) }
        }
    }
}

/// Σ over `rows` of u's rows r of r rᵀ: the [d, d] Gramian of that slice of u [n, d].
private func crossProduct(_ u: Tensor, rows: Range<Int>) -> Tensor {
    let d = u.shape[1], g = Tensor(zeros: Shape(d, d))
    BLAS.gemm(m: d, n: d, k: rows.count, u.pointer + rows.lowerBound * d, lda: d, transposeA: true,
              u.pointer + rows.lowerBound * d, ldb: d, transposeB: false, g.pointer, ldc: d)
    return g
}
