import CKernels

extension ProductLog {
    /// Who multiplies a product: rec's own kernel (rk_gemm on the path in use, whatever
    /// BLAS.gemm's rule says) or OpenBLAS's sgemm.
    public enum Multiplier: String, CaseIterable, Sendable {
        case rec
        case openBLAS = "OpenBLAS"
    }

    /// GFLOP/s of one product on `multiplier` (its shape repeated for about 5 ms a round, the
    /// best of `rounds` after a warm-up round), on the kernel path in use; nil where rk_gemm
    /// has no copy (the SSE2 path).
    public static func gflops(_ p: Product, on multiplier: Multiplier, rounds: Int = 5) -> Double? {
        let (lda, ldb) = (p.transposeA ? p.m : p.k, p.transposeB ? p.k : p.n)
        let a = Tensor(repeating: 0.01, shape: Shape(Swift.max(1, p.m * p.k)))
        let b = Tensor(repeating: 0.02, shape: Shape(Swift.max(1, p.k * p.n)))
        let c = Tensor(zeros: Shape(Swift.max(1, p.m * p.n)))
        let beta: Float = p.accumulates ? 1 : 0
        let (ta, tb): (Int32, Int32) = (p.transposeA ? 1 : 0, p.transposeB ? 1 : 0)
        let repeats = Swift.max(1, Int(1e9 / Swift.max(p.flops, 1)))
        func multiply() -> Bool {
            switch multiplier {
            case .rec:
                return rk_gemm(ta, tb, Int64(p.m), Int64(p.n), Int64(p.k), 1, a.pointer, Int64(lda), b.pointer,
                               Int64(ldb), beta, c.pointer, Int64(p.n)) != 0
            case .openBLAS:
                BLAS.sgemm(m: p.m, n: p.n, k: p.k, a.pointer, lda: lda, transposeA: p.transposeA, b.pointer, ldb: ldb,
                           transposeB: p.transposeB, c.pointer, ldc: p.n, alpha: 1, beta: beta)
                return true
            }
        }
        guard multiply() else { return nil }  // rk_gemm has no copy on this path
        let seconds = best(rounds: rounds) { for _ in 0..<repeats { _ = multiply() } }.wall
        return p.flops * Double(repeats) / seconds / 1e9
    }
}

extension ProductLog.Product {
    /// "NT 256×64·k64 +=": the transposes, C's shape, k, and whether it adds into C.
    public var label: String {
        "\(transposeA ? "T" : "N")\(transposeB ? "T" : "N") \(m)×\(n)·k\(k)\(accumulates ? " +=" : "")"
    }

    /// Whether BLAS.gemm runs it on rec's kernel on the path in use (rk_gemm's rule).
    public var onRecKernel: Bool {
        rk_gemm_takes(Int64(m), Int64(n), Int64(k), transposeA ? 1 : 0, transposeB ? 1 : 0) != 0
    }
}
