import CKernels
import COpenBLAS
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The only place that multiplies matrices. Matrices are row-major; either side may be
/// transposed. Small products (a training step's) run on rec's own kernel where it beats
/// sgemm (CKernels' rk_gemm on the AVX-512 path: m ≤ 1024, n ≤ 128, 16 ≤ k ≤ 1024), the rest on OpenBLAS.
public enum BLAS {
    /// How many threads OpenBLAS uses (training runs best on one; big scoring tiles on two),
    /// clamped to the cores: more threads than cores only wait for each other (and OpenBLAS's
    /// spinning threads made `threads(64)` crawl). Returns the count in use.
    @discardableResult
    public static func setThreads(_ n: Int) -> Int {
        let used = Swift.min(Swift.max(1, n), Limits.cores)
        openblas_set_num_threads(Int32(used))
        return used
    }

    /// How many threads OpenBLAS uses now.
    public static var threads: Int { Int(openblas_get_num_threads()) }

    /// Lets OpenBLAS's idle threads sleep now. After a product they wait for the next one
    /// spinning on sched_yield for about 0.1 s; while the session's own threads rank a tile
    /// they take turns with them on the cores. Shutting the pool down (OpenBLAS starts it again
    /// at the next threaded product, about a thread start's cost) gives the cores back. Only
    /// OpenBLAS's pthread builds have the call; elsewhere this does nothing.
    public static func parkThreads() {
        guard threads > 1, let shutdown = poolShutdown else { return }
        _ = shutdown()
    }

    private typealias Shutdown = @convention(c) () -> Int32
    private static let poolShutdown: Shutdown? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "blas_thread_shutdown_") else { return nil }
        return unsafeBitCast(symbol, to: Shutdown.self)
    }()

    /// c = alpha * op(a) @ op(b) + beta * c for 2-D tensors whose shapes were checked.
    static func gemm(_ a: Tensor, transposeA: Bool, _ b: Tensor, transposeB: Bool,
                     into c: Tensor, alpha: Float = 1, beta: Float = 0) {
        let m = transposeA ? a.shape[1] : a.shape[0]
        let k = transposeA ? a.shape[0] : a.shape[1]
        let n = transposeB ? b.shape[0] : b.shape[1]
        gemm(m: m, n: n, k: k, a.pointer, lda: a.shape[1], transposeA: transposeA,
             b.pointer, ldb: b.shape[1], transposeB: transposeB, c.pointer, ldc: n, alpha: alpha, beta: beta)
    }

    /// The raw form, for kernels that multiply parts of buffers (RNN steps, scoring tiles).
    static func gemm(m: Int, n: Int, k: Int,
                     _ a: UnsafePointer<Float>, lda: Int, transposeA: Bool,
                     _ b: UnsafePointer<Float>, ldb: Int, transposeB: Bool,
                     _ c: UnsafeMutablePointer<Float>, ldc: Int, alpha: Float = 1, beta: Float = 0) {
        if m == 0 || n == 0 { return }
        if k == 0 {
            // BLAS leaves C untouched when k = 0; the mathematical answer is beta * C.
            for i in 0..<m { for j in 0..<n { c[i * ldc + j] *= beta } }
            return
        }
        let start = ProductLog.started()
        defer { ProductLog.note(m, n, k, transposeA, transposeB, beta, since: start) }
        let ta: Int32 = transposeA ? 1 : 0, tb: Int32 = transposeB ? 1 : 0
        if rk_gemm_takes(Int64(m), Int64(n), Int64(k), ta, tb) != 0,
           rk_gemm(ta, tb, Int64(m), Int64(n), Int64(k), alpha, a, Int64(lda), b, Int64(ldb), beta, c, Int64(ldc)) != 0 {
            return
        }
        sgemm(m: m, n: n, k: k, a, lda: lda, transposeA: transposeA, b, ldb: ldb, transposeB: transposeB,
              c, ldc: ldc, alpha: alpha, beta: beta)
    }

    /// c = a · bᵀ (a [m, k], b [n, k], row-major) for a wide product — a scoring tile: a few
    /// items against every user — in blocks of 128 columns that rk_gemm takes, spread over
    /// OpenBLAS's thread count (the session's threads). At the scoring shape rk_gemm runs 1.5×
    /// OpenBLAS's one-thread rate on AVX-512 (C harness, 121 × 138,493 · k 64, one core:
    /// 136–140 GFLOP/s against 75–91), and each block is computed alike whatever the thread
    /// count, so the scores do not depend on it. Where rk_gemm does not take the blocks (SSE2,
    /// debug builds, k outside its rule) it is one sgemm, as before, whose last bits follow
    /// OpenBLAS's own split of the product over its threads.
    static func gemmTransposedWide(m: Int, n: Int, k: Int, _ a: UnsafePointer<Float>, lda: Int,
                                   _ b: UnsafePointer<Float>, ldb: Int, _ c: UnsafeMutablePointer<Float>, ldc: Int) {
        let width = 128, rowBlock = 1024
        guard m > 0, n > 0, rk_gemm_takes(Int64(Swift.min(m, rowBlock)), Int64(Swift.min(n, width)), Int64(k), 0, 1) != 0 else {
            gemm(m: m, n: n, k: k, a, lda: lda, transposeA: false, b, ldb: ldb, transposeB: true, c, ldc: ldc)
            return
        }
        let columnBlocks = (n + width - 1) / width, perTask = 8  // a task: 8 blocks, ≈ 0.1 ms at k 64
        let rowBlocks = (m + rowBlock - 1) / rowBlock, tasksPerRowBlock = (columnBlocks + perTask - 1) / perTask
        Parallel.run(tasks: rowBlocks * tasksPerRowBlock, threads: threads) { _, task in
            let r0 = (task / tasksPerRowBlock) * rowBlock, rows = Swift.min(rowBlock, m - r0)
            let firstBlock = (task % tasksPerRowBlock) * perTask
            for block in firstBlock..<Swift.min(columnBlocks, firstBlock + perTask) {
                let j = block * width, columns = Swift.min(width, n - j)
                // The rule took this shape above; rk_gemm still declines when its panel cannot be
                // allocated, and then sgemm makes the block.
                if rk_gemm(0, 1, Int64(rows), Int64(columns), Int64(k), 1, a + r0 * lda, Int64(lda), b + j * ldb, Int64(ldb),
                           0, c + r0 * ldc + j, Int64(ldc)) == 0 {
                    sgemm(m: rows, n: columns, k: k, a + r0 * lda, lda: lda, transposeA: false, b + j * ldb, ldb: ldb,
                          transposeB: true, c + r0 * ldc + j, ldc: ldc, alpha: 1, beta: 0)
                }
            }
        }
    }

    /// c = op(A) @ b + beta · c with A the rows `rows` of `table` (a [R, w] matrix; A is
    /// [rows.count, w], op(A) its transpose when `transposeA`): the product over gathered rows
    /// without the gather where rk_gemm takes the shape (it reads each row in place), else the
    /// rows gathered and multiplied. The same numbers either way. Indices checked by the caller.
    static func gemm(rowsOf table: Tensor, _ rows: UnsafeBufferPointer<Int32>, transposeA: Bool, _ b: Tensor,
                     into c: Tensor, beta: Float = 0) {
        let width = table.shape[1], count = rows.count
        let (m, k) = transposeA ? (width, count) : (count, width)
        let n = b.shape[1]
        if takesRows(m: m, n: n, k: k, transposeA: transposeA) {
            let start = ProductLog.started()
            if rk_gemm_rows(transposeA ? 1 : 0, 0, Int64(m), Int64(n), Int64(k), 1, table.pointer, Int64(width),
                            rows.baseAddress, b.pointer, Int64(n), beta, c.pointer, Int64(n)) != 0 {
                ProductLog.note(m, n, k, transposeA, false, beta, since: start)
                return
            }
        }
        let a = Tensor(uninitialized: Shape(count, width))
        rk_gather_rows(table.pointer, Int64(width), rows.baseAddress, Int64(count), a.pointer)
        gemm(a, transposeA: transposeA, b, transposeB: false, into: c, beta: beta)
    }

    /// Whether `gemm(rowsOf:…)` reads the rows in place for op(A) [m × k] · B [k × n].
    static func takesRows(m: Int, n: Int, k: Int, transposeA: Bool) -> Bool {
        m > 0 && n > 0 && k > 0 && rk_gemm_takes(Int64(m), Int64(n), Int64(k), transposeA ? 1 : 0, 0) != 0
    }

    /// OpenBLAS's product itself, whatever the rule says (`rec bench products` sets it beside rk_gemm).
    static func sgemm(m: Int, n: Int, k: Int,
                      _ a: UnsafePointer<Float>, lda: Int, transposeA: Bool,
                      _ b: UnsafePointer<Float>, ldb: Int, transposeB: Bool,
                      _ c: UnsafeMutablePointer<Float>, ldc: Int, alpha: Float, beta: Float) {
        cblas_sgemm(CblasRowMajor,
                     transposeA ? CblasTrans : CblasNoTrans,
                     transposeB ? CblasTrans : CblasNoTrans,
                     Int32(m), Int32(n), Int32(k), alpha,
                     a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
}

extension Tensor {
    /// The shape of op(a) @ op(b), or an error naming both shapes.
    static func matmulShape(_ a: Shape, _ b: Shape, transposeA: Bool, transposeB: Bool) throws -> Shape {
        guard a.rank == 2, b.rank == 2 else {
            throw ModelError.shapes("matmul", a, b, "needs two matrices, got")
        }
        let (m, ka) = transposeA ? (a[1], a[0]) : (a[0], a[1])
        let (kb, n) = transposeB ? (b[1], b[0]) : (b[0], b[1])
        guard ka == kb else {
            let ta = transposeA ? "ᵀ" : "", tb = transposeB ? "ᵀ" : ""
            throw ModelError("matmul", "inner sizes differ: \(a)\(ta) @ \(b)\(tb) (\(ka) vs \(kb))")
        }
        // An outer product can ask for far more than its inputs hold (the full check, which
        // builds the error, only runs when this cheap one fails: matmul is in every hot loop).
        let (count, overflow) = m.multipliedReportingOverflow(by: n)
        if overflow || count >= Limits.largeRequest / 4 || Swift.max(m, n) > Limits.maxDimension {
            try Limits.floats([m, n], for: "matmul", "the product [\(m), \(n)]")
        }
        return Shape(m, n)
    }

    /// self · otherᵀ for a wide other (every user's row): a scoring tile, in blocks spread over
    /// the session's threads (`BLAS.gemmTransposedWide`), with Ctrl-C looked at between blocks
    /// of rows as `matmul` does.
    public func matmulTransposedWide(_ other: Tensor) throws -> Tensor {
        let shape = try Tensor.matmulShape(self.shape, other.shape, transposeA: false, transposeB: true)
        let out = Tensor(uninitialized: shape)
        let (m, n) = (shape[0], shape[1]), k = self.shape[1]
        let rowsPerBlock = Swift.max(1, Tensor.flopsBetweenChecks / Swift.max(1, n * k))
        for start in stride(from: 0, to: m, by: rowsPerBlock) {
            if start > 0 { try Interruption.check() }
            let rows = Swift.min(rowsPerBlock, m - start)
            BLAS.gemmTransposedWide(m: rows, n: n, k: k, pointer + start * k, lda: k, other.pointer, ldb: k,
                                    out.pointer + start * n, ldc: n)
        }
        return out
    }

    /// op(self) @ op(other) through sgemm.
    public func matmul(_ other: Tensor, transposeSelf: Bool = false, transposeOther: Bool = false) throws -> Tensor {
        let shape = try Tensor.matmulShape(self.shape, other.shape, transposeA: transposeSelf, transposeB: transposeOther)
        let out = Tensor(uninitialized: shape)
        let (m, n) = (shape[0], shape[1]), k = transposeSelf ? self.shape[0] : self.shape[1]
        let rowsPerBlock = Swift.max(1, Tensor.flopsBetweenChecks / Swift.max(1, n * k))
        if rowsPerBlock >= m {
            BLAS.gemm(self, transposeA: transposeSelf, other, transposeB: transposeOther, into: out)
            return out
        }
        // A product of minutes goes in blocks of rows, with Ctrl-C looked at between them.
        for start in stride(from: 0, to: m, by: rowsPerBlock) {
            try Interruption.check()
            let rows = Swift.min(rowsPerBlock, m - start)
            BLAS.gemm(m: rows, n: n, k: k, pointer + (transposeSelf ? start : start * self.shape[1]), lda: self.shape[1],
                      transposeA: transposeSelf, other.pointer, ldb: other.shape[1], transposeB: transposeOther,
                      out.pointer + start * n, ldc: n)
        }
        return out
    }

    /// Multiply-adds between looks at the Ctrl-C flag in a big product (~0.1 s of sgemm).
    static let flopsBetweenChecks = 1 << 30
}
