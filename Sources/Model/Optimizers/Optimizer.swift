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
        for (p, s) in zip(parameters, tensors) {
            if s.isEmpty { slots[ObjectIdentifier(p)] = nil; continue }
            guard s.count == count, s.allSatisfy({ $0.shape == p.value.shape }) else {
                throw ModelError("load", "optimizer state of \(p.name) does not fit its shape \(p.value.shape)")
            }
            slots[ObjectIdentifier(p)] = s.map { $0.copy() }
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
            // Rows of a large table are scattered in memory: one pass of independent loads
            // (one per cache line) lets the processor fetch them all at once before the
            // update pass, instead of stalling on each row in turn.
            // The loads are folded with xor on their bits: a float sum would chain them through
            // the adder's latency (three cycles each) and serialise the pass.
            var sink: UInt32 = 0
            func touch(_ base: UnsafePointer<Float>) {
                for row in sparse.touchedRows {
                    var k = Int(row) * w
                    let end = k + w
                    while k < end { sink ^= base[k].bitPattern; k += 16 }
                }
            }
            touch(value.pointer)
            for t in state { touch(t.pointer) }
            if sink == 0x7FC0_0001 { blackHole(Float(bitPattern: sink)) }
            for (slot, row) in sparse.touchedRows.enumerated() {
                update(Int(row) * w, sparse.row(slot: slot), w)
            }
            sparse.clear()
        }
    }
}

@inline(never) func blackHole(_ x: Float) {}
