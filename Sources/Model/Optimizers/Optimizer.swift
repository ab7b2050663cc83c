/// Updates parameters from their gradients, then clears the gradients. Tables with sparse
/// row gradients are updated on the touched rows only.
public protocol Optimizer: AnyObject, CustomStringConvertible {
    var learningRate: Float { get set }
    func step(_ parameters: [Variable])
}

/// Per-parameter state (accumulators, moments) of the same shape as the parameter, made on
/// first use. Looked up once per parameter per step, never per element.
final class OptimizerSlots {
    private var slots: [ObjectIdentifier: [Tensor]] = [:]

    func state(for p: Variable, count: Int, initial: Float = 0) -> [Tensor] {
        if let s = slots[ObjectIdentifier(p)] { return s }
        let s = (0..<count).map { _ in Tensor(repeating: initial, shape: p.value.shape) }
        slots[ObjectIdentifier(p)] = s
        return s
    }
}

extension Variable {
    /// Visit each updated block: the whole parameter with its dense gradient, and each
    /// touched row with its sparse gradient. `update(offset, gradient, count)` gets the
    /// offset into the parameter's buffer. Clears the gradients afterwards.
    func forEachGradientBlock(_ update: (Int, UnsafePointer<Float>, Int) -> Void) {
        if let g = grad {
            update(0, g.pointer, g.count)
            grad = nil
        }
        if let sparse = sparseGrad {
            let w = sparse.width
            for (slot, row) in sparse.touchedRows.enumerated() {
                update(Int(row) * w, sparse.row(slot: slot), w)
            }
            sparse.clear()
        }
    }
}
