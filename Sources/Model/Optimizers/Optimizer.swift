/// Updates parameters from their gradients, then clears the gradients. Tables with sparse
/// row gradients are updated on the touched rows only.
public protocol Optimizer: AnyObject, CustomStringConvertible {
    var learningRate: Float { get set }
    func step(_ parameters: [Variable])
    /// The per-parameter state (accumulators, moments) and step count, for checkpoints:
    /// one list of tensors per parameter, empty where none was made yet.
    func state(of parameters: [Variable]) -> (steps: Int, slots: [[Tensor]])
    func restore(steps: Int, slots: [[Tensor]], of parameters: [Variable]) throws
}

/// Per-parameter state (accumulators, moments) of the same shape as the parameter, made on
/// first use. Looked up once per parameter per step, never per element.
final class OptimizerSlots {
    private var slots: [ObjectIdentifier: [Tensor]] = [:]
    /// Counts restores: the slots handed out before one may be gone.
    private(set) var generation = 0

    func state(for p: Variable, count: Int, initial: Float = 0) -> [Tensor] {
        if let s = slots[ObjectIdentifier(p)] { return s }
        let s = (0..<count).map { _ in Tensor(repeating: initial, shape: p.value.shape) }
        slots[ObjectIdentifier(p)] = s
        return s
    }

    func tensors(of parameters: [Variable]) -> [[Tensor]] {
        parameters.map { slots[ObjectIdentifier($0)]?.map { $0.copy() } ?? [] }
    }

    func restore(_ tensors: [[Tensor]], of parameters: [Variable], count: Int) throws {
        guard tensors.count == parameters.count else {
            throw ModelError("load", "optimizer state for \(tensors.count) parameters, the model has \(parameters.count)")
        }
        // All checked before any is replaced: a refused state leaves the optimizer as it was.
        for (p, s) in zip(parameters, tensors) where !s.isEmpty {
            guard s.count == count, s.allSatisfy({ $0.shape == p.value.shape }) else {
                throw ModelError("load", "optimizer state of \(p.name) does not fit its shape \(p.value.shape)")
            }
        }
        generation += 1
        for (p, s) in zip(parameters, tensors) {
            slots[ObjectIdentifier(p)] = s.isEmpty ? nil : s.map { $0.copy() }
        }
    }
}

extension Variable {
    /// Visit each updated block: the whole parameter with its dense gradient, and each
    /// touched row with its sparse gradient. `update(offset, gradient, count)` gets the
    /// offset into the parameter's buffer. Clears the gradients afterwards.
    func forEachGradientBlock(touching state: [Tensor] = [], _ update: (Int, UnsafePointer<Float>, Int) -> Void) {
        if let g = grad {
            update(0, g.pointer, g.count)
            grad = nil
        }
        if let sparse = sparseGrad {
            let w = sparse.width
            // Rows of a large table are scattered in memory: prefetching the rows (and their
            // optimizer state) a few slots ahead keeps several in flight while this one is
            // updated, instead of stalling on each in turn.
            let ahead = 8, rows = sparse.touchedRows, tables = [value.pointer] + state.map(\.pointer)
            for (slot, row) in rows.enumerated() {
                if slot + ahead < rows.count {
                    for t in tables { Kernels.prefetch(t + Int(rows[slot + ahead]) * w, w) }
                }
                update(Int(row) * w, sparse.row(slot: slot), w)
            }
            sparse.clear()
        }
    }
}

