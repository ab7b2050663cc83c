/// A fixed content matrix (one row per item: TF-IDF-weighted word vectors, pretrained
/// paragraph vectors, …) as a tower; with `finetune` its rows become parameters that the
/// preference loss moves (sparse row updates).
public final class ContentTower: Tower {
    public let axis: Axis = .items
    public let matrix: Variable
    public let finetune: Bool
    /// How a new plot becomes a content row ([1, width]), when known.
    public var encoder: ((String) throws -> Tensor)?

    public init(_ content: Tensor, finetune: Bool = false, name: String = "content",
                encoder: ((String) throws -> Tensor)? = nil) throws {
        self.encoder = encoder
        guard content.rank == 2, content.shape[0] > 0, content.shape[1] > 0 else {
            throw ModelError("content", "needs a [items, dim] matrix, got \(content.shape)")
        }
        matrix = finetune ? Variable(parameter: content.copy(), name: name, sparse: true) : Variable(content, name: name)
        self.finetune = finetune
    }

    public var width: Int { matrix.shape[1] }
    public var idCount: Int? { matrix.shape[0] }
    public var ownParameters: [Variable] { finetune ? [matrix] : [] }
    /// A row of the matrix (or zeros, ablated) for each id.
    public var rowsDependOnIdsAlone: Bool { true }

    public func forward(_ ids: [Int32], _ context: TowerContext) throws -> Variable {
        guard let table = rows(context) else { return Variable(Tensor(zeros: Shape(ids.count, width))) }
        return try Variable.gather(table, ids)
    }

    /// The matrix whose rows `forward` gathers, or nil when it gives zeros (ablated): a layer
    /// over this tower can read the rows in place.
    func rows(_ context: TowerContext) -> Variable? { context.ablation == .idOnly ? nil : matrix }

    public func encodeNew(_ text: String, _ context: TowerContext) throws -> Variable {
        guard let encoder else { throw ModelError("new plot", "this content matrix has no way to encode a new plot") }
        let row = try encoder(text)
        guard row.count == width else { throw ModelError("new plot", "the content encoder gave \(row.shape), expected [1, \(width)]") }
        return Variable(try row.reshaped(Shape(1, width)))
    }

    public var description: String { "Content(\(matrix.shape[0]) × \(width)\(finetune ? ", fine-tuned" : ", fixed"))" }
}

/// Content as a weighted sum of word vectors, rows = weights @ words: with `finetune`, the
/// gradient reaches the word vectors through the sparse document–word weights, so words
/// shared by many plots learn from all of them (encoder (a), fine-tuned).
public final class WeightedWordsTower: Tower {
    public let axis: Axis = .items
    public let weights: SparseMatrix
    public let words: Variable
    public let finetune: Bool
    /// The plots' tokenizer, vocabulary and TF-IDF, to weight a new plot's words; and which
    /// words have vectors.
    public let text: TextEncoder?
    public let found: [Bool]?

    /// `weights` rows should sum to 1 over words with vectors (TF-IDF averaging: see
    /// `ContentVectors.averagingWeights`).
    public init(weights: SparseMatrix, words: Tensor, finetune: Bool = true, text: TextEncoder? = nil, found: [Bool]? = nil) throws {
        self.text = text
        self.found = found
        guard words.rank == 2, words.shape[0] == weights.columns else {
            throw ModelError("content", "\(words.shape) word vectors for a vocabulary of \(weights.columns)")
        }
        self.weights = weights
        self.words = finetune ? Variable(parameter: words.copy(), name: "word_vectors", sparse: true) : Variable(words)
        self.finetune = finetune
    }

    public var width: Int { words.shape[1] }
    public var idCount: Int? { weights.rows }
    public var vocabulary: Vocabulary? { text?.vocabulary }
    public var ownParameters: [Variable] { finetune ? [words] : [] }

    public func forward(_ ids: [Int32], _ context: TowerContext) throws -> Variable {
        if context.ablation == .idOnly { return Variable(Tensor(zeros: Shape(ids.count, width))) }
        return try Variable.sparseRowsMatmul(weights, rows: ids, words)
    }

    public func encodeNew(_ text: String, _ context: TowerContext) throws -> Variable {
        guard let encoder = self.text else { throw ModelError("new plot", "these word weights have no text encoder for a new plot") }
        let (indices, values) = try encoder.averagingWeights(text, found: found ?? [Bool](repeating: true, count: weights.columns))
        let row = SparseMatrix(rows: 1, columns: weights.columns, offsets: [0, indices.count], indices: indices, values: values)
        return try Variable.sparseRowsMatmul(row, rows: [0], Variable(words.value))
    }

    public var description: String {
        "WeightedWords(\(weights.rows) items × \(words.shape[0]) words × \(width)\(finetune ? ", fine-tuned" : ""))"
    }
}
