import CKernels

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
            let acc = slots.state(for: p, count: 1, initial: initialAccumulator)[0].pointer, w = p.value.pointer
            if let g = p.grad {
                rk_adagrad(w, acc, g.pointer, Int64(g.count), lr, eps)
                p.grad = nil
            }
            if let sparse = p.sparseGrad, sparse.count > 0 {
                // One C pass over the touched rows, prefetching rows ahead (they are scattered).
                sparse.touchedRows.withUnsafeBufferPointer { rows in
                    rk_adagrad_rows(w, acc, sparse.row(slot: 0), rows.baseAddress, Int64(rows.count), Int64(sparse.width), lr, eps)
                }
                sparse.clear()
            }
        }
    }

    public func state(of parameters: [Variable]) -> (steps: Int, slots: [[Tensor]]) { (0, slots.tensors(of: parameters)) }
    public func restore(steps: Int, slots tensors: [[Tensor]], of parameters: [Variable]) throws {
        try slots.restore(tensors, of: parameters, count: 1)
    }

    public var description: String { "Adagrad(lr \(learningRate))" }
}
