#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Adam with bias correction. On sparse tables it is "lazy": the moments of a row move only
/// when the row is touched (as in TensorFlow's LazyAdam), which keeps a step's cost
/// proportional to the batch rather than to the table.
public final class Adam: Optimizer {
    public var learningRate: Float
    public let beta1: Float, beta2: Float, epsilon: Float
    public private(set) var steps = 0
    let slots = OptimizerSlots()

    public init(learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
    }

    public func step(_ parameters: [Variable]) {
        steps += 1
        let b1 = beta1, b2 = beta2, eps = epsilon
        let c1 = 1 - powf(b1, Float(steps)), c2 = 1 - powf(b2, Float(steps))
        let lr = learningRate * c2.squareRoot() / c1
        for p in parameters where p.grad != nil || (p.sparseGrad?.count ?? 0) > 0 {
            let state = slots.state(for: p, count: 2)
            let m = state[0].pointer, v = state[1].pointer, w = p.value.pointer
            p.forEachGradientBlock { offset, g, n in
                let mo = m + offset, vo = v + offset, dst = w + offset
                for i in 0..<n {
                    mo[i] = b1 * mo[i] + (1 - b1) * g[i]
                    vo[i] = b2 * vo[i] + (1 - b2) * g[i] * g[i]
                    dst[i] -= lr * mo[i] / (vo[i].squareRoot() + eps)
                }
            }
        }
    }

    public func state(of parameters: [Variable]) -> (steps: Int, slots: [[Tensor]]) { (steps, slots.tensors(of: parameters)) }
    public func restore(steps: Int, slots tensors: [[Tensor]], of parameters: [Variable]) throws {
        try slots.restore(tensors, of: parameters, count: 2)
        self.steps = steps
    }

    public var description: String { "Adam(lr \(learningRate))" }
}
