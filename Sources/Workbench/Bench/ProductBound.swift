import Model

/// The rate a model's matrix products alone allow: the products `batches` training steps make,
/// recorded, then timed on their own at this machine's sgemm speed, in the same run as the
/// training figure they bound.
struct ProductBound {
    let examplesPerSecond: Double
    /// The same per second of CPU time (the products' own work, whatever else runs).
    let examplesPerCPUSecond: Double
    let gflops: Double

    static func measure(batches: Int, batchSize: Int, step: () throws -> Void) rethrows -> ProductBound {
        let products = try ProductLog.record { for _ in 0..<batches { try step() } }
        let (seconds, cpu) = ProductLog.time(products)
        let flops = products.reduce(0) { $0 + $1.flops }, examples = Double(batches * batchSize)
        return ProductBound(examplesPerSecond: examples / seconds, examplesPerCPUSecond: examples / cpu,
                            gflops: flops / seconds / 1e9)
    }
}
