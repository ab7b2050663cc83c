/// A learned vector per id, with whole-row dropout while training (an item whose row is
/// dropped must be scored from its content: what makes cold start work).
public final class EmbeddingTower: Tower {
    public let axis: Axis
    public let embedding: Embedding
    private var seen: [Bool]?

    public init(axis: Axis, count: Int, dim: Int, dropout: Float = 0, rng: RandomSource) throws {
        self.axis = axis
        embedding = try Embedding(count, dim, dropout: dropout, initScale: 0.01, rng: rng, name: "\(axis.rawValue)_embedding")
    }

    public var width: Int { embedding.dim }
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

    public var description: String { "\(axis.rawValue) " + embedding.description }
}
