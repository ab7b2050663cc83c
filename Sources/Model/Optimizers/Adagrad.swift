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
            let acc = slots.state(for: p, count: 1, initial: initialAccumulator)[0].pointer
            let w = p.value.pointer
            p.forEachGradientBlock { offset, g, n in
                let a = acc + offset, dst = w + offset
                for i in 0..<n {
                    a[i] += g[i] * g[i]
                    dst[i] -= lr * g[i] / (a[i].squareRoot() + eps)
                }
            }
        }
    }

    public var description: String { "Adagrad(lr \(learningRate))" }
}
