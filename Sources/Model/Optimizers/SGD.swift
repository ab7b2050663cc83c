/// Plain stochastic gradient descent: p -= lr · g.
public final class SGD: Optimizer {
    public var learningRate: Float

    public init(learningRate: Float) { self.learningRate = learningRate }

    public func step(_ parameters: [Variable]) {
        let lr = learningRate
        for p in parameters {
            let w = p.value.pointer
            p.forEachGradientBlock { offset, g, n in
                let dst = w + offset
                for i in 0..<n { dst[i] -= lr * g[i] }
            }
        }
    }

    public func state(of parameters: [Variable]) -> (steps: Int, slots: [[Tensor]]) { (0, parameters.map { _ in [] }) }
    public func restore(steps: Int, slots: [[Tensor]], of parameters: [Variable]) throws {}

    public var description: String { "SGD(lr \(learningRate))" }
}
