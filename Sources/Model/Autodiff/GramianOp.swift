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
}

extension Variable {
    /// Σ_b Σ_{c ∉ excluded(groups[b])} (v_b · u_c)²: every row of `v` [B, d] scored against
    /// every row of `u` [n, d] but the excluded ones, squared and summed, without forming the
    /// B × n scores (the Gramian trick of implicit ALS):
    ///     Σ_b v_bᵀ (UᵀU) v_b − Σ_b Σ_{c excluded} (v_b · u_c)².
    /// Costs one d × d Gramian, B·d² and d per excluded pair; its gradients are
    /// 2·V·(UᵀU) and 2·U·(VᵀV) (BLAS) with the excluded pairs' terms taken off.
    public static func gramianSquares(_ v: Variable, _ u: Variable, groups: [Int32], excluded: ExcludedColumns) throws -> Variable {
        guard v.rank == 2, u.rank == 2, v.shape[1] == u.shape[1] else {
            throw ModelError.shapes("gramian", v.shape, u.shape, "needs rows [B, d] and columns [n, d], got")
        }
        let (b, d, n) = (v.shape[0], v.shape[1], u.shape[0])
        guard groups.count == b else { throw ModelError("gramian", "\(groups.count) groups for \(b) rows") }
        guard excluded.limit == n else { throw ModelError("gramian", "excluded columns index \(excluded.limit) columns, not \(n)") }
        for g in groups where g < 0 || Int(g) >= excluded.groups {
            throw ModelError("gramian", "group \(g) is out of range (\(excluded.groups) groups)")
        }
        let gram = Tensor(uninitialized: Shape(d, d))
        BLAS.gemm(u.value, transposeA: true, u.value, transposeB: false, into: gram)
        let vg = Tensor(uninitialized: Shape(b, d))
        BLAS.gemm(v.value, transposeA: false, gram, transposeB: false, into: vg)
        var total = Double(Kernels.dot(v.value.pointer, vg.pointer, b * d))
        // The excluded pairs' scores, row by row: what the correction and its gradient need.
        var scores = [Float](), offsets = [0]
        scores.reserveCapacity(groups.reduce(0) { $0 + excluded.starts[Int($1) + 1] - excluded.starts[Int($1)] })
        for r in 0..<b {
            let g = Int(groups[r]), row = v.value.pointer + r * d
            for k in excluded.starts[g]..<excluded.starts[g + 1] {
                let s = Kernels.dot(row, u.value.pointer + Int(excluded.columns[k]) * d, d)
                scores.append(s)
                total -= Double(s * s)
            }
            offsets.append(scores.count)
        }
        return record(.scalar(Float(total)), v, u) { g in
            let two = 2 * g.pointer[0]
            if v.requiresGrad {
                let gv = Tensor(uninitialized: v.shape)
                for i in 0..<gv.count { gv.pointer[i] = two * vg.pointer[i] }
                forEachExcluded(groups, excluded, offsets) { r, c, k in
                    Kernels.axpy(-two * scores[k], u.value.pointer + c * d, gv.pointer + r * d, d)
                }
                v.accumulate(gv)
            }
            if u.requiresGrad {
                let vv = Tensor(uninitialized: Shape(d, d)), gu = Tensor(uninitialized: u.shape)
                BLAS.gemm(v.value, transposeA: true, v.value, transposeB: false, into: vv)
                BLAS.gemm(u.value, transposeA: false, vv, transposeB: false, into: gu, alpha: two)
                forEachExcluded(groups, excluded, offsets) { r, c, k in
                    Kernels.axpy(-two * scores[k], v.value.pointer + r * d, gu.pointer + c * d, d)
                }
                u.accumulate(gu)
            }
        }
    }

    /// Calls `body(row, column, k)` for each excluded pair, k its index in the forward's scores.
    private static func forEachExcluded(_ groups: [Int32], _ excluded: ExcludedColumns, _ offsets: [Int],
                                        _ body: (Int, Int, Int) -> Void) {
        for r in 0..<groups.count {
            let start = excluded.starts[Int(groups[r])]
            for k in offsets[r]..<offsets[r + 1] { body(r, Int(excluded.columns[start + k - offsets[r]]), k) }
        }
    }
}
