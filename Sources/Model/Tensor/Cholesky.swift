import COpenBLAS

/// Symmetric positive definite systems through LAPACK's Cholesky (shipped by OpenBLAS): the
/// closed forms of the classic baselines (EASE, ALS rows, ridge) need nothing else.
/// Matrices are n×n, row-major, symmetric; both triangles are read as one.
enum Cholesky {
    /// Replaces `a` by its inverse (both triangles). False when `a` is not positive definite.
    static func invert(_ a: UnsafeMutablePointer<Float>, n: Int) -> Bool {
        var uplo = CChar(UInt8(ascii: "L")), size = Int32(n), lda = Int32(n), info: Int32 = 0
        spotrf_(&uplo, &size, a, &lda, &info)
        guard info == 0 else { return false }
        spotri_(&uplo, &size, a, &lda, &info)
        guard info == 0 else { return false }
        // Column-major lower = row-major upper: copy it to the row-major lower triangle.
        for r in 0..<n { for c in (r + 1)..<n { a[c * n + r] = a[r * n + c] } }
        return true
    }

    /// Solves a·x = b in place (`b` becomes x; `a` becomes its factor). False when `a` is not
    /// positive definite.
    static func solve(_ a: UnsafeMutablePointer<Float>, _ b: UnsafeMutablePointer<Float>, n: Int) -> Bool {
        var uplo = CChar(UInt8(ascii: "L")), size = Int32(n), lda = Int32(n), ldb = Int32(n), one: Int32 = 1, info: Int32 = 0
        spotrf_(&uplo, &size, a, &lda, &info)
        guard info == 0 else { return false }
        spotrs_(&uplo, &size, &one, a, &lda, b, &ldb, &info)
        return info == 0
    }
}
