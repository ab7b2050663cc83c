import COpenBLAS

extension BLAS {
    /// The name of the kernels OpenBLAS runs ("Haswell", "SkylakeX", …): it picks them from
    /// the CPU at load time, or takes OPENBLAS_CORETYPE's choice.
    public static var kernelsName: String { String(cString: openblas_get_corename()) }
}
