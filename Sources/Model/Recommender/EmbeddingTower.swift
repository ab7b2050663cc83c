/// A learned vector per id, with whole-row dropout while training (an item whose row is
/// dropped must be scored from its content: what makes cold start work).
public final class EmbeddingTower: Tower {
    public let axis: Axis
    public let embedding: Embedding
    /// L2 weight decay λ: λ/2 · ‖row‖² per example on the rows a batch reads (lazy: rows a
    /// batch does not touch are not decayed, and frequent ids are decayed more often).
    public let decay: Float
    private var seen: [Bool]?

    public init(axis: Axis, count: Int, dim: Int, dropout: Float = 0, decay: Float = 0, rng: RandomSource) throws {
        guard decay.isFinite, decay >= 0 else { throw ModelError("embedding", "decay must be a number ≥ 0, got \(decay)") }
        self.axis = axis
        self.decay = decay
        embedding = try Embedding(count, dim, dropout: dropout, initScale: 0.01, rng: rng, name: "\(axis.rawValue)_embedding")
    }

    public var decays: Bool { decay > 0 }

    /// λ/2 · Σ over the batch's rows of ‖row‖², ÷ the examples: the gradient reaches only those rows.
    public func decayPenalty(_ ids: [Int32], examples: Int) throws -> (parameter: Variable, penalty: Variable)? {
        guard decay > 0, !ids.isEmpty else { return nil }
        let scale = decay / 2 / Float(Swift.max(examples, 1)), table = embedding.table
        // Every row, in order, of a table read whole (a loss over every user): no gathered copy.
        if table.rowsDense, ids.count == embedding.count, ids.first == 0, ids.last == Int32(embedding.count - 1) {
            return (table, try table.sumOfSquares() * scale)
        }
        let rows = try Variable.gather(table, ids)
        return (table, try rows.sumOfSquares() * scale)
    }

    public var width: Int { embedding.dim }
    public var drawsNothing: Bool { embedding.dropout == 0 }
    public var idCount: Int? { embedding.count }
    public var ownParameters: [Variable] { embedding.parameters }
    public func observe(seen: [Bool]) { self.seen = seen }

    public func forward(_ ids: [Int32], _ context: TowerContext) throws -> Variable {
        if context.ablation == .contentOnly && axis == .items { return Variable(Tensor(zeros: Shape(ids.count, width))) }
        let rows = try embedding.forward(ids, context.forward)
        guard context.absentUnseen, let seen, ids.contains(where: { !seen[Int($0)] }) else { return rows }
        // Rows of ids never trained on are absent: multiply them by zero.
        let mask = Variable(Tensor(ids.map { seen[Int($0)] ? 1 : 0 }))
        return try rows * mask
    }

    public func encodeNew(_ text: String, _ context: TowerContext) throws -> Variable {
        guard axis == .items else { throw ModelError("new plot", "a new plot describes an item, not a user") }
        return Variable(Tensor(zeros: Shape(1, width)))  // a new item has no embedding: absent
    }

    public var description: String { "\(axis.rawValue) " + embedding.description + (decay > 0 ? " decay \(formatRate(decay))" : "") }
}
