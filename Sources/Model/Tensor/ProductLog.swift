import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The shapes of the matrix products a piece of work makes, and the time those products take
/// alone: what a benchmark needs to say how close a training step comes to its products' limit.
public enum ProductLog {
    /// One sgemm call's shape.
    public struct Product: Hashable, Sendable {
        public let m: Int, n: Int, k: Int
        public let transposeA: Bool, transposeB: Bool
        /// Whether the product adds into C (beta = 1) rather than overwriting it.
        public let accumulates: Bool
        public var flops: Double { 2 * Double(m) * Double(n) * Double(k) }

        public init(m: Int, n: Int, k: Int, transposeA: Bool = false, transposeB: Bool = false, accumulates: Bool = false) {
            self.m = m; self.n = n; self.k = k
            self.transposeA = transposeA; self.transposeB = transposeB
            self.accumulates = accumulates
        }
    }

    static let recording = Atomic<Bool>(false)
    private static let products = Mutex<[Product]>([])
    /// Nanoseconds the recorded products took where they ran (summed over threads).
    private static let productNanoseconds = Atomic<UInt64>(0)

    /// When a product about to run starts, or 0 when nothing is recorded.
    @inline(__always)
    static func started() -> UInt64 { recording.load(ordering: .relaxed) ? monotonicNanoseconds() : 0 }

    /// Notes a product that has run, and the time it took since `started()` said `start`.
    @inline(__always)
    static func note(_ m: Int, _ n: Int, _ k: Int, _ transposeA: Bool, _ transposeB: Bool, _ beta: Float, since start: UInt64) {
        guard start != 0 else { return }
        productNanoseconds.wrappingAdd(monotonicNanoseconds() &- start, ordering: .relaxed)
        let p = Product(m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB, accumulates: beta != 0)
        products.withLock { $0.append(p) }
    }

    /// What `record` saw: the products, in order; the seconds they took where they ran (inside
    /// the work, summed over its threads); and the seconds the whole work took.
    public struct Recording: Sendable {
        public let products: [Product]
        public let productSeconds: Double
        public let seconds: Double
    }

    /// Runs `body` and returns the products it made, and how long they and it took.
    public static func record(_ body: () throws -> Void) rethrows -> Recording {
        products.withLock { $0.removeAll() }
        productNanoseconds.store(0, ordering: .relaxed)
        let start = monotonicNanoseconds()
        recording.store(true, ordering: .relaxed)
        defer { recording.store(false, ordering: .relaxed) }
        try body()
        let seconds = Double(monotonicNanoseconds() - start) * 1e-9
        return Recording(products: products.withLock { $0 },
                         productSeconds: Double(productNanoseconds.load(ordering: .relaxed)) * 1e-9, seconds: seconds)
    }

    /// Where a timed product runs: where the step's ran (rec's own kernel for the small
    /// products it takes, else sgemm), or OpenBLAS's sgemm for every one of them.
    public enum Kernel: Sendable { case step, openBLAS }

    /// Seconds (wall clock, and this thread's CPU time) that `products` take run one after
    /// another on operands of their shapes (the best of `rounds`, after one warm-up round), with
    /// no other work between them.
    public static func time(_ products: [Product], rounds: Int = 3, on kernel: Kernel = .step) -> (wall: Double, cpu: Double) {
        // One set of operands big enough for every product (a training step reuses its buffers too).
        let a = Tensor(repeating: 0.01, shape: Shape(products.map { $0.m * $0.k }.max() ?? 0))
        let b = Tensor(repeating: 0.02, shape: Shape(products.map { $0.k * $0.n }.max() ?? 0))
        let c = Tensor(zeros: Shape(products.map { $0.m * $0.n }.max() ?? 0))
        return best(rounds: rounds) {
            for p in products {
                // Through BLAS.gemm, each product runs where the step's ran (rec's kernel or
                // sgemm). The operands' memory layout follows the transposes: lda is the stored row length.
                let lda = p.transposeA ? p.m : p.k, ldb = p.transposeB ? p.k : p.n
                let beta: Float = p.accumulates ? 1 : 0
                switch kernel {
                case .step:
                    BLAS.gemm(m: p.m, n: p.n, k: p.k, a.pointer, lda: lda, transposeA: p.transposeA,
                              b.pointer, ldb: ldb, transposeB: p.transposeB, c.pointer, ldc: p.n, beta: beta)
                case .openBLAS:
                    BLAS.sgemm(m: p.m, n: p.n, k: p.k, a.pointer, lda: lda, transposeA: p.transposeA,
                               b.pointer, ldb: ldb, transposeB: p.transposeB, c.pointer, ldc: p.n, alpha: 1, beta: beta)
                }
            }
        }
    }

    /// The least wall-clock and thread-CPU seconds `body` took over `rounds` runs, after one
    /// warm-up run.
    static func best(rounds: Int, _ body: () throws -> Void) rethrows -> (wall: Double, cpu: Double) {
        var best = (wall: Double.infinity, cpu: Double.infinity)
        for round in 0...rounds {
            let start = ContinuousClock.now, startCPU = threadCPUSeconds()
            try body()
            let elapsed = ContinuousClock.now - start
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            let cpu = threadCPUSeconds() - startCPU
            if round > 0 { best = (Swift.min(best.wall, seconds), Swift.min(best.cpu, cpu)) }
        }
        return best
    }
}

/// CPU seconds this thread has run: on a machine shared with other work, a measure of the
/// work itself that waiting for the core does not inflate.
public func threadCPUSeconds() -> Double { cpuSeconds(CLOCK_THREAD_CPUTIME_ID) }

/// CPU time of every thread of this process, in seconds (training on several threads).
public func processCPUSeconds() -> Double { cpuSeconds(CLOCK_PROCESS_CPUTIME_ID) }

/// The monotonic clock in nanoseconds (vDSO: tens of nanoseconds a read).
@inline(__always)
func monotonicNanoseconds() -> UInt64 {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return UInt64(t.tv_sec) &* 1_000_000_000 &+ UInt64(t.tv_nsec)
}

private func cpuSeconds(_ clock: clockid_t) -> Double {
    var t = timespec()
    clock_gettime(clock, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}
