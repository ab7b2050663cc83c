import CKernels
import COpenBLAS

extension BLAS {
    /// The name of the kernels OpenBLAS runs ("Haswell", "SkylakeX", …): it picks them from
    /// the CPU at load time, or takes OPENBLAS_CORETYPE's choice.
    public static var kernelsName: String { String(cString: openblas_get_corename()) }

    /// Said when rec had OpenBLAS pick its kernels again at start-up, because the ones it picked
    /// from the CPU used neither AVX2 nor FMA though the CPU has them (an OpenBLAS older than
    /// the CPU); nil when OpenBLAS's own choice stands.
    public static var kernelsNote: String? { rk_openblas_core_note().map { String(cString: $0) } }

    /// Who runs the matrix products on the path in use: rec's kernel for the small ones on
    /// the FMA paths (rk_gemm's rule), OpenBLAS for the rest.
    public static var productsName: String {
        let openBLAS = "OpenBLAS \(kernelsName)"
        return rk_gemm_takes(256, 64, 64, 0, 0) != 0 ? "rec's \(KernelPath.current.rawValue) kernel for small ones, \(openBLAS) for the rest" : openBLAS
    }
}
