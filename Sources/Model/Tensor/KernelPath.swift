import CKernels

/// Which copy of the C kernels (CKernels) runs: the widest instruction set the CPU has, or the
/// one `REC_KERNELS=sse2|avx2|avx512` asks for. Every path computes the same numbers in the
/// element-wise kernels; matrix products differ in the last bits, since the AVX-512 path runs
/// the small ones on rec's own kernel and the others leave them to OpenBLAS (`BLAS.gemm`).
public enum KernelPath: String, CaseIterable, Sendable {
    case sse2, avx2, avx512

    var c: rk_path {
        switch self {
        case .sse2: return RK_PATH_SSE2
        case .avx2: return RK_PATH_AVX2
        case .avx512: return RK_PATH_AVX512
        }
    }

    /// The path in use.
    public static var current: KernelPath {
        switch rk_current_path() {
        case RK_PATH_AVX512: return .avx512
        case RK_PATH_AVX2: return .avx2
        default: return .sse2
        }
    }

    /// Whether this CPU runs the path.
    public var isSupported: Bool { rk_path_supported(c) != 0 }

    /// Switches every kernel to `path` (tests compare the paths); false when the CPU lacks it.
    @discardableResult
    public static func select(_ path: KernelPath) -> Bool { rk_select_path(path.c) != 0 }
}
