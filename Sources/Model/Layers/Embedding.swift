/// A table of vectors indexed by id (items, users, words). Its gradient is kept as touched
/// rows, so sparse optimizers update only the rows a batch used. Dropout here removes whole
/// rows while training — an item whose embedding is dropped must be scored from the rest.
public final class Embedding: Module {
    public let table: Variable
    public let dropout: Float

    public init(_ count: Int, _ dim: Int, dropout: Float = 0, initScale: Float = 0.01,
                rng: RandomSource, name: String = "embedding") throws {
        guard count > 0, dim > 0 else {
            throw ModelError("embedding", "needs a positive count and width, got \(count) × \(dim)")
        }
        guard dropout >= 0, dropout < 1 else {
            throw ModelError("embedding", "dropout must be in [0, 1), got \(dropout)")
        }
        table = Variable(parameter: try .normal(Shape(count, dim), std: initScale, rng: rng), name: name, sparse: true)
        self.dropout = dropout
    }

    /// An embedding initialised from given vectors (e.g. pretrained word vectors).
    public init(vectors: Tensor, dropout: Float = 0, name: String = "embedding") throws {
        guard vectors.rank == 2, vectors.shape[0] > 0, vectors.shape[1] > 0 else {
            throw ModelError("embedding", "needs a non-empty [count, dim] matrix, got \(vectors.shape)")
        }
        guard dropout >= 0, dropout < 1 else {
            throw ModelError("embedding", "dropout must be in [0, 1), got \(dropout)")
        }
        table = Variable(parameter: vectors.copy(), name: name, sparse: true)
        self.dropout = dropout
    }

    public var count: Int { table.shape[0] }
    public var dim: Int { table.shape[1] }
    public var parameters: [Variable] { [table] }

    public func forward(_ ids: [Int32], _ context: ForwardContext) throws -> Variable {
        let rows = try Variable.gather(table, ids)
        guard context.training, dropout > 0 else { return rows }
        return try rows.dropout(rate: dropout, rng: context.rng, wholeRows: true)
    }

    public var description: String {
        "Embedding(\(count) × \(dim)\(dropout > 0 ? ", dropout \(formatRate(dropout)) rows" : ""))"
    }
}
