/// Adagrad: a per-coordinate accumulator of squared gradients scales each step,
/// p -= lr · g / (√acc + ε). Sparse tables update only touched rows (and their accumulators).
public final class Adagrad: Optimizer {
    public var learningRate: Float
    public let epsilon: Float
    public let initialAccumulator: Float
    let slots = OptimizerSlots()

    public init(learningRate: Float, epsilon: Float = 1e-7, initialAccumulator: Float = 0) {
        self.learningRate = learningRate
        self.epsilon = epsilon
        self.initialAccumulator = initialAccumulator
    }

    public func step(_ parameters: [Variable]) {
        let lr = learningRate, eps = epsilon
        for p in parameters where p.grad != nil || (p.sparseGrad?.count ?? 0) > 0 {
            let state = slots.state(for: p, count: 1, initial: initialAccumulator)
            let acc = state[0].pointer, w = p.value.pointer
            p.forEachGradientBlock(touching: state) { offset, g, n in
                Adagrad.update(w + offset, accumulator: acc + offset, gradient: g, count: n, lr: lr, eps: eps)
            }
        }
    }

    /// The update over one block, eight lanes at a time (the pointers may not be proven
    /// apart, so the compiler would not vectorize the plain loop).
    @inline(__always)
    static func update(_ w: UnsafeMutablePointer<Float>, accumulator a: UnsafeMutablePointer<Float>,
                       gradient g: UnsafePointer<Float>, count n: Int, lr: Float, eps: Float) {
        typealias V = SIMD8<Float>
        func load(_ p: UnsafePointer<Float>) -> V { UnsafeRawPointer(p).loadUnaligned(as: V.self) }
        func store(_ v: V, _ p: UnsafeMutablePointer<Float>) { UnsafeMutableRawPointer(p).storeBytes(of: v, as: V.self) }
        var i = 0
        while i + 8 <= n {
            let gv = load(g + i)
            let av = load(a + i) + gv * gv
            store(av, a + i)
            store(load(w + i) - lr * gv / (FastMath.sqrtNonNegative(av) + eps), w + i)
            i += 8
        }
        while i < n {
            a[i] += g[i] * g[i]
            w[i] -= lr * g[i] / (a[i].squareRoot() + eps)
            i += 1
        }
    }

    public func state(of parameters: [Variable]) -> (steps: Int, slots: [[Tensor]]) { (0, slots.tensors(of: parameters)) }
    public func restore(steps: Int, slots tensors: [[Tensor]], of parameters: [Variable]) throws {
        try slots.restore(tensors, of: parameters, count: 1)
    }

    public var description: String { "Adagrad(lr \(learningRate))" }
}
