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
    /// Σ_b Σ_{c ∉ excluded(groups[b])} (v_b · u_c + β_c)²: every row of `v` [B, d] scored against
    /// every row of `u` [n, d] (plus its `bias` β [n], when given) but the excluded ones, squared
    /// and summed, without forming the B × n scores (the Gramian trick of implicit ALS):
    ///     Σ_b (v_bᵀ (UᵀU) v_b + 2 v_b·(Uᵀβ) + β·β) − Σ_b Σ_{c excluded} (v_b · u_c + β_c)².
    /// Costs one d × d Gramian, B·d² and d per excluded pair; its gradients are
    /// 2·V·(UᵀU) + 2·Uᵀβ, 2·U·(VᵀV) + 2·β(Σ_b v_b)ᵀ and 2·U·Σ_b v_b + 2B·β (BLAS) with the
    /// excluded pairs' terms taken off. The bias is the score's last term as a column of u
    /// against a column of ones beside v would be, but kept apart: rows of d = 64 floats stay
    /// aligned to cache lines (65 straddled them: the excluded pairs ran 1.5× slower).
    ///
    /// With a `seat`, this is one part of a split batch whose every part has the same `u`: the
    /// parts share the two products over all of u's rows (n·d² each, most of a step when n is
    /// large) instead of each forming them whole. Each forms UᵀU (and Uᵀβ, β·β) over its slice
    /// of the rows and the parts add the slices; each posts its 2·VᵀV (and 2·Σv_b, 2B) and forms
    /// its slice of the rows of the gradient's shared terms from every part's sum. Each posts its
    /// share before it takes its own excluded pairs off (uneven work: each item's training
    /// users) and collects the sum after, so that a part that arrives first works on instead of
    /// waiting (two meetings that waited 10–30 µs a step on ML-100K).
    ///
    /// Rows of `v` that repeat an earlier row of their group bit for bit (`RepeatedRows`) are
    /// taken once, scaled by √(their count) — and so is their 1 against the bias: the same sum
    /// and gradients, fewer pairs.
    public static func gramianSquares(_ v: Variable, _ u: Variable, bias: Variable? = nil, groups: [Int32],
                                      excluded: ExcludedColumns, seat: PartSeat? = nil) throws -> Variable {
        guard v.rank == 2, u.rank == 2, v.shape[1] == u.shape[1] else {
            throw ModelError.shapes("gramian", v.shape, u.shape, "needs rows [B, d] and columns [n, d], got")
        }
        let (b, d, n) = (v.shape[0], v.shape[1], u.shape[0])
        if let bias, bias.value.count != n {
            throw ModelError.shapes("gramian", u.shape, bias.shape, "needs a bias for each of the columns [n, d], got")
        }
        guard groups.count == b else { throw ModelError("gramian", "\(groups.count) groups for \(b) rows") }
        guard excluded.limit == n else { throw ModelError("gramian", "excluded columns index \(excluded.limit) columns, not \(n)") }
        for g in groups where g < 0 || Int(g) >= excluded.groups {
            throw ModelError("gramian", "group \(g) is out of range (\(excluded.groups) groups)")
        }
        let beta = bias?.value
        // UᵀU, then with a bias Uᵀβ and β·β, in one buffer (what the parts add): each part posts
        // its slice's and scores its own pairs (uneven work) before it collects the sum.
        seat?.post(crossProduct(u.value, beta, rows: seat?.rows(of: n) ?? 0..<n))
        // The rows taken: each distinct row once (scaled), with its group and its factor on the bias.
        let repeated = RepeatedRows.find(v.value, groups: groups)
        let rows = repeated.map { $0.scaledRows(v.value) } ?? v.value
        let rowGroups = repeated.map { r in r.kept.map { groups[Int($0)] } } ?? groups
        let r = rows.shape[0]
        let ones: Tensor? = beta == nil ? nil : repeated.map { Tensor($0.factors) } ?? Tensor(repeating: 1, shape: Shape(r))
        // The excluded pairs' scores, row by row (what the correction and its gradient need),
        // in C: per pair a dot over d floats of a u row looked up at random; −Σ s² in double.
        let pairs = rowGroups.reduce(0) { $0 + excluded.starts[Int($1) + 1] - excluded.starts[Int($1)] }
        let scores = Tensor(uninitialized: Shape(Swift.max(1, pairs)))
        let correction = excluded.withPointers(rowGroups) { g, st, cols in
            rk_excluded_scores(rows.pointer, ones?.pointer, u.value.pointer, beta?.pointer, Int64(d), g, Int64(r), st, cols,
                               scores.pointer, 0)
        }
        let gram: Tensor
        if let seat {
            guard let sum = seat.posted() else { throw PartAbandoned() }
            gram = sum
        } else {
            gram = crossProduct(u.value, beta, rows: 0..<n)
        }
        // vg = V·(UᵀU) (+ e·(Uᵀβ)ᵀ): half the gradient of each row, and with V the quadratic part.
        let vg = Tensor(uninitialized: Shape(r, d))
        BLAS.gemm(m: r, n: d, k: d, rows.pointer, lda: d, transposeA: false, gram.pointer, ldb: d, transposeB: false,
                  vg.pointer, ldc: d)
        // Σ_b ṽ_bᵀ(UᵀU)ṽ_b, and with a bias 2·e_b·ṽ_b·(Uᵀβ) + e_b²·β·β (ṽ_b: the row taken, e_b its factor).
        var shared = Double(Kernels.dot(rows.pointer, vg.pointer, r * d))
        if let ones {
            let h = gram.pointer + d * d, squares = Double(h[d])
            for i in 0..<r {
                let e = ones.pointer[i]
                shared += 2 * Double(e) * Double(Kernels.dot(rows.pointer + i * d, h, d)) + Double(e * e) * squares
                Kernels.axpy(e, h, vg.pointer + i * d, d)
            }
        }
        return record(.scalar(Float(shared + correction)), v, u, bias) { g in
            let two = 2 * g.pointer[0]
            // 2·VᵀV (and 2·Vᵀe, 2·e·e), posted first as in the forward pass: the part then takes
            // its own pairs off while the others post theirs, and collects the sum after.
            let vv = u.requiresGrad || bias?.requiresGrad == true ? rowProduct(rows, ones, alpha: two) : nil
            if let vv { seat?.post(vv) }
            var gv: Tensor?
            if v.requiresGrad {
                let t = Tensor(uninitialized: rows.shape)
                for i in 0..<t.count { t.pointer[i] = two * vg.pointer[i] }
                gv = t
            }
            let gu = u.requiresGrad ? Tensor(zeros: u.shape) : nil
            let gb = bias?.requiresGrad == true ? Tensor(zeros: Shape(n)) : nil
            excluded.withPointers(rowGroups) { g, st, cols in
                rk_excluded_backward(rows.pointer, ones?.pointer, u.value.pointer, Int64(d), g, Int64(r), st, cols,
                                     scores.pointer, two, gv?.pointer, gu?.pointer, gb?.pointer)
            }
            if let vv {
                // Another part failed: its step fails too, so these gradients are never used.
                guard let sum = seat.map({ $0.posted() }) ?? vv else { return }
                addSharedGradients(u.value, beta, sum, rows: seat?.rows(of: n) ?? 0..<n, gu, gb)
            }
            if let gv { v.accumulate(repeated.map { $0.spread(gv, rows: b) } ?? gv) }
            if let gu { u.accumulate(gu) }
            if let gb, let bias, let shaped = try? gb.reshaped(bias.shape) { bias.accumulate(shaped) }
        }
    }
}

/// Over `rows` of u [n, d]: UᵀU [d, d], then with a bias β [n] Uᵀβ [d] and β·β, in one buffer.
private func crossProduct(_ u: Tensor, _ beta: Tensor?, rows: Range<Int>) -> Tensor {
    let d = u.shape[1], g = Tensor(zeros: Shape(d * d + (beta == nil ? 0 : d + 1)))
    let slice = u.pointer + rows.lowerBound * d
    BLAS.gemm(m: d, n: d, k: rows.count, slice, lda: d, transposeA: true, slice, ldb: d, transposeB: false, g.pointer, ldc: d)
    if let beta {
        let b = beta.pointer + rows.lowerBound
        BLAS.gemm(m: d, n: 1, k: rows.count, slice, lda: d, transposeA: true, b, ldb: 1, transposeB: false,
                  g.pointer + d * d, ldc: 1)
        g.pointer[d * d + d] = Kernels.dot(b, b, rows.count)
    }
    return g
}

/// alpha·VᵀV [d, d] over rows V [r, d], then with the rows' factors on the bias e [r] alpha·Vᵀe
/// [d] and alpha·e·e, in one buffer: what the columns' gradients need of the rows.
private func rowProduct(_ rows: Tensor, _ ones: Tensor?, alpha: Float) -> Tensor {
    let (r, d) = (rows.shape[0], rows.shape[1])
    let t = Tensor(zeros: Shape(d * d + (ones == nil ? 0 : d + 1)))
    BLAS.gemm(m: d, n: d, k: r, rows.pointer, lda: d, transposeA: true, rows.pointer, ldb: d, transposeB: false,
              t.pointer, ldc: d, alpha: alpha)
    if let ones {
        BLAS.gemm(m: d, n: 1, k: r, rows.pointer, lda: d, transposeA: true, ones.pointer, ldb: 1, transposeB: false,
                  t.pointer + d * d, ldc: 1, alpha: alpha)
        t.pointer[d * d + d] = alpha * Kernels.dot(ones.pointer, ones.pointer, r)
    }
    return t
}

/// Adds the columns' shared gradient terms from `rowProduct`'s sum P over `rows` of u (this
/// part's slice): U·P_vv + β·P_veᵀ to gu [n, d], and with a bias U·P_ve + p_ee·β to gb [n].
private func addSharedGradients(_ u: Tensor, _ beta: Tensor?, _ p: Tensor, rows: Range<Int>, _ gu: Tensor?, _ gb: Tensor?) {
    let d = u.shape[1], at = rows.lowerBound, ve = p.pointer + d * d
    if let gu {
        BLAS.gemm(m: rows.count, n: d, k: d, u.pointer + at * d, lda: d, transposeA: false, p.pointer, ldb: d,
                  transposeB: false, gu.pointer + at * d, ldc: d, beta: 1)
        if let beta { for c in rows { Kernels.axpy(beta.pointer[c], ve, gu.pointer + c * d, d) } }
    }
    if let gb, let beta {
        BLAS.gemm(m: rows.count, n: 1, k: d, u.pointer + at * d, lda: d, transposeA: false, ve, ldb: 1,
                  transposeB: false, gb.pointer + at, ldc: 1, beta: 1)
        for c in rows { gb.pointer[c] += ve[d] * beta.pointer[c] }
    }
}
