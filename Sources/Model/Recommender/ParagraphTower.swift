/// Paragraph vectors trained end-to-end (encoder (c)): a document vector per item that learns
/// at once from the preference loss and from predicting its plot's words (PV-DBOW with
/// negative sampling), the two balanced by `weight`. Every batch also trains the word
/// prediction on a sample of all plotted items — cold ones included, whose vectors can learn
/// only from their words.
public final class ParagraphTower: Tower {
    public let axis: Axis = .items
    public let documents: Variable       // [items, dim]
    public let wordOutputs: Variable     // [vocabulary, dim]
    public let sequences: [[Int32]]
    public let weight: Float
    public let negatives: Int
    public let text: TextEncoder?
    private let plotted: [Int32]
    private let sampler: AliasSampler

    public init(sequences: [[Int32]], vocabulary: Vocabulary, dim: Int, weight: Float, negatives: Int = 5,
                initial: Tensor? = nil, text: TextEncoder? = nil, rng: RandomSource) throws {
        self.text = text
        guard dim > 0 else { throw ModelError("paragraph tower", "dim must be positive, got \(dim)") }
        guard weight >= 0 else { throw ModelError("paragraph tower", "weight must be at least 0, got \(weight)") }
        guard vocabulary.count > 0 else { throw ModelError("paragraph tower", "the vocabulary is empty") }
        let start = try initial ?? (Tensor.uniform(Shape(sequences.count, dim), low: -0.5 / Float(dim), high: 0.5 / Float(dim), rng: rng))
        guard start.shape == Shape(sequences.count, dim) else {
            throw ModelError("paragraph tower", "initial vectors \(start.shape) do not fit \(sequences.count) items × \(dim)")
        }
        documents = Variable(parameter: start.copy(), name: "paragraph_vectors", sparse: true)
        wordOutputs = Variable(parameter: Tensor(zeros: Shape(vocabulary.count, dim)), name: "paragraph_word_outputs", sparse: true)
        self.sequences = sequences
        self.weight = weight
        self.negatives = negatives
        plotted = sequences.indices.filter { !sequences[$0].isEmpty }.map { Int32($0) }
        sampler = AliasSampler(counts: vocabulary.counts)
    }

    public var width: Int { documents.shape[1] }
    public var idCount: Int? { documents.shape[0] }
    public var ownParameters: [Variable] { [documents, wordOutputs] }
    public var vocabulary: Vocabulary? { text?.vocabulary }

    public func forward(_ ids: [Int32], _ context: TowerContext) throws -> Variable {
        if context.ablation == .idOnly { return Variable(Tensor(zeros: Shape(ids.count, width))) }
        return try Variable.gather(documents, ids)
    }

    /// weight × the mean logistic loss of each (document, word) pair against shared noise words.
    public func auxiliaryLoss(_ ids: [Int32], _ context: TowerContext) throws -> AuxiliaryLoss? {
        guard weight > 0, !plotted.isEmpty, context.training else { return nil }
        let rng = context.rng
        var docs = ids.filter { !sequences[Int($0)].isEmpty }
        for _ in 0..<ids.count { docs.append(plotted[rng.below(plotted.count)]) }
        var pairDocs: [Int32] = [], pairWords: [Int32] = []
        for d in docs {
            let words = sequences[Int(d)]
            // Up to 8 words a document per batch keeps the cost near the preference step's.
            for _ in 0..<Swift.min(8, words.count) {
                pairDocs.append(d)
                pairWords.append(words[rng.below(words.count)])
            }
        }
        guard !pairDocs.isEmpty else { return nil }
        // Noise words are shared by the batch: each part of a split batch draws the same ones.
        let noise = (0..<negatives).map { _ in sampler.sample(context.shared) }
        let h = try Variable.gather(documents, pairDocs)
        let pos = try Variable.rowDot(h, Variable.gather(wordOutputs, pairWords))
        let neg = try Variable.matmul(h, Variable.gather(wordOutputs, noise), transposeB: true)
        let loss = try (-pos).softplus().mean() + neg.softplus().mean() * Float(negatives)
        return AuxiliaryLoss(name: AuxiliaryLoss.wordPrediction, loss: loss, weight: weight)
    }

    /// A new plot's document vector: paragraph-vector inference on its words with the word
    /// outputs frozen, as `ParagraphVectors.infer` does (no subsampling: the tower trains
    /// without it; 50 passes, the rate decaying from word2vec's 0.025).
    public func encodeNew(_ plot: String, _ context: TowerContext) throws -> Variable {
        guard let text else { throw ModelError("new plot", "this paragraph encoder has no vocabulary to read a new plot") }
        let inference = DocumentInference(outputs: wordOutputs.value.pointer, dim: width, negatives: negatives, sampler: sampler,
                                          subsampler: nil, learningRate: 0.025, minLearningRate: 0.0001, seed: 0)
        return Variable(try Tensor(shape: Shape(1, width), values: inference.infer(text.ids(plot), passes: 50)))
    }

    public var description: String {
        "ParagraphEncoder(\(documents.shape[0]) documents × \(width), word-prediction weight \(formatRate(weight)))"
    }
}
