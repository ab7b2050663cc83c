import Model

/// The rate a model's matrix products alone allow: the products `batches` training steps make,
/// recorded, then timed on their own in the same run as the training figure they bound — where
/// the step runs them (`step`: rec's own kernel for the small ones, else sgemm) and all on
/// OpenBLAS's sgemm (`sgemm`), the machine's sgemm rate that issue 19 names. The recording also
/// times each product where the step ran it, so a step's distance from its bound splits into
/// its products running slower inside it than alone and the rest of its work.
struct ProductBound {
    struct Rate {
        let examplesPerSecond: Double
        /// The same per second of CPU time (the products' own work, whatever else runs).
        let examplesPerCPUSecond: Double
        let gflops: Double
        /// Seconds a step's products take alone (wall clock).
        let secondsPerStep: Double
    }
    let step: Rate, sgemm: Rate
    /// Per recorded step: seconds its products took inside it (summed over its threads), and
    /// the step's own wall-clock seconds.
    let productsInStep: Double, stepSeconds: Double

    static func measure(batches: Int, batchSize: Int, step: () throws -> Void) rethrows -> ProductBound {
        let recorded = try ProductLog.record { for _ in 0..<batches { try step() } }
        let products = recorded.products
        let flops = products.reduce(0) { $0 + $1.flops }, examples = Double(batches * batchSize)
        func rate(_ kernel: ProductLog.Kernel) -> Rate {
            let (seconds, cpu) = ProductLog.time(products, on: kernel)
            return Rate(examplesPerSecond: examples / seconds, examplesPerCPUSecond: examples / cpu,
                        gflops: flops / seconds / 1e9, secondsPerStep: seconds / Double(batches))
        }
        return ProductBound(step: rate(.step), sgemm: rate(.openBLAS),
                            productsInStep: recorded.productSeconds / Double(batches),
                            stepSeconds: recorded.seconds / Double(batches))
    }
}
