import Model

/// `rec bench products`: each distinct matrix product of a `train` step (BPR), plus a few past
/// BLAS.gemm's rule, timed on rec's own kernel and on OpenBLAS, on every path the CPU has that
/// has the kernel: the figures behind the rule (Sources/CKernels/gemm.c). Figure: the median
/// of rec ÷ OpenBLAS over the step's products on the path in use.
struct ProductsBenchmark {
    func run(json: Bool) throws {
        let data = try SyntheticEvents.movieLens1MShape(seed: 0)
        let model = try ReferenceTraining(data: data, loss: .bpr)
        for _ in 0..<3 { try model.step() }
        var step: [ProductLog.Product] = []
        for p in try ProductLog.record({ try model.step() }).products where !step.contains(p) { step.append(p) }
        // Past the rule: a scoring tile over every user, a long Gramian, a product over k = 8.
        let others = [ProductLog.Product(m: 256, n: data.users, k: 64, transposeB: true),
                      ProductLog.Product(m: 64, n: 64, k: 20_000, transposeA: true),
                      ProductLog.Product(m: 256, n: 64, k: 8, accumulates: true)]
        let start = KernelPath.current
        defer { KernelPath.select(start) }
        var ratioHere: [Double] = []
        print("sgemm: OpenBLAS \(BLAS.kernelsName); GFLOP/s on one thread, best of 5 rounds of ≈ 5 ms")
        for path in [KernelPath.avx512, .avx2] where path.isSupported {
            KernelPath.select(path)
            for (p, inStep) in step.map({ ($0, true) }) + others.map({ ($0, false) }) {
                guard let own = ProductLog.gflops(p, on: .rec), let blas = ProductLog.gflops(p, on: .openBLAS) else { continue }
                let ratio = own / blas
                if inStep && path == start { ratioHere.append(ratio) }
                print(String(format: "%-7@ %-22@ rec %6.1f  OpenBLAS %6.1f  ×%.2f  %@%@", path.rawValue, p.label, own, blas, ratio,
                             p.onRecKernel ? "runs on rec's" : "runs on OpenBLAS", inStep ? "" : " (not in the step)"))
                if json {
                    print(jsonLine([("bench", "products"), ("path", path.rawValue), ("product", p.label), ("in_step", inStep),
                                    ("rec_gflops", own), ("openblas_gflops", blas), ("ratio", ratio), ("on_rec_kernel", p.onRecKernel)]))
                }
            }
        }
        guard !ratioHere.isEmpty else {
            print("products: no rec kernel on the \(start.rawValue) path (every product is OpenBLAS's)")
            return
        }
        let median = ratioHere.sorted()[ratioHere.count / 2]
        print(String(format: "products: %.2f × OpenBLAS (median over the step's %d products, %@ path)", median, ratioHere.count, start.rawValue))
    }
}
