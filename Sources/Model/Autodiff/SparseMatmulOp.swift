extension Variable {
    /// Rows `rows` of (sparse @ dense): out[k] = Σ_j S[rows[k], j] · D[j]. The dense side's
    /// gradient is a scatter of the incoming rows through the same weights (sparse rows when
    /// the table asked for them), so only the words of the batch's documents are touched.
    public static func sparseRowsMatmul(_ sparse: SparseMatrix, rows: [Int32], _ dense: Variable) throws -> Variable {
        guard dense.rank == 2, dense.shape[0] == sparse.columns else {
            throw ModelError("sparse_matmul", "[\(sparse.rows), \(sparse.columns)] sparse @ \(dense.shape) do not fit")
        }
        for (k, r) in rows.enumerated() where r < 0 || Int(r) >= sparse.rows {
            throw ModelError("sparse_matmul", "row \(r) at position \(k) is out of range for \(sparse.rows) rows")
        }
        let d = dense.shape[1]
        let out = Tensor(zeros: Shape(rows.count, d))
        for (k, r) in rows.enumerated() {
            let dst = out.pointer + k * d
            for e in sparse.offsets[Int(r)]..<sparse.offsets[Int(r) + 1] {
                Kernels.axpy(sparse.values[e], dense.value.pointer + Int(sparse.indices[e]) * d, dst, d)
            }
        }
        return record(out, dense) { g in
            // Expand to (word, row gradient × weight) pairs and add them as table rows.
            var ids: [Int32] = []
            var count = 0
            for r in rows { count += sparse.offsets[Int(r) + 1] - sparse.offsets[Int(r)] }
            ids.reserveCapacity(count)
            let contributions = Tensor(uninitialized: Shape(count, d))
            var n = 0
            for (k, r) in rows.enumerated() {
                for e in sparse.offsets[Int(r)]..<sparse.offsets[Int(r) + 1] {
                    ids.append(sparse.indices[e])
                    let dst = contributions.pointer + n * d, src = g.pointer + k * d, w = sparse.values[e]
                    for j in 0..<d { dst[j] = w * src[j] }
                    n += 1
                }
            }
            dense.accumulateRows(ids, contributions)
        }
    }
}
