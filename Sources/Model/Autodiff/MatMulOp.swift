extension Variable {
    /// Accumulate op(x) @ op(y) into this node's gradient with one sgemm (beta = 1 once a
    /// gradient exists), so parameter gradients need no temporary.
    func accumulateProduct(_ x: Tensor, transposeX: Bool, _ y: Tensor, transposeY: Bool) {
        guard requiresGrad else { return }
        if let g = ownedGradient {
            BLAS.gemm(x, transposeA: transposeX, y, transposeB: transposeY, into: g, beta: 1)
        } else {
            let g = Tensor(uninitialized: value.shape)
            BLAS.gemm(x, transposeA: transposeX, y, transposeB: transposeY, into: g)
            grad = g
        }
    }

    /// Accumulate table[ids]ᵀ @ y into this node's gradient, the rows read in place where
    /// rk_gemm runs the product (see `BLAS.gemm(rowsOf:…)`).
    func accumulateProduct(rowsOf table: Tensor, _ ids: [Int32], _ y: Tensor) {
        guard requiresGrad else { return }
        ids.withUnsafeBufferPointer { rows in
            if let g = ownedGradient {
                BLAS.gemm(rowsOf: table, rows, transposeA: true, y, into: g, beta: 1)
            } else {
                let g = Tensor(uninitialized: value.shape)
                BLAS.gemm(rowsOf: table, rows, transposeA: true, y, into: g)
                grad = g
            }
        }
    }

    /// op(a) @ op(b) for matrices, either side transposed.
    public static func matmul(_ a: Variable, _ b: Variable, transposeA: Bool = false, transposeB: Bool = false) throws -> Variable {
        let out = try a.value.matmul(b.value, transposeSelf: transposeA, transposeOther: transposeB)
        return record(out, a, b) { g in
            // With A' = op(A), B' = op(B): dA' = g B'ᵀ and dB' = A'ᵀ g, transposed back when needed.
            if transposeA {
                a.accumulateProduct(b.value, transposeX: transposeB, g, transposeY: true)
            } else {
                a.accumulateProduct(g, transposeX: false, b.value, transposeY: !transposeB)
            }
            if transposeB {
                b.accumulateProduct(g, transposeX: true, a.value, transposeY: transposeA)
            } else {
                b.accumulateProduct(a.value, transposeX: !transposeA, g, transposeY: false)
            }
        }
    }
}
