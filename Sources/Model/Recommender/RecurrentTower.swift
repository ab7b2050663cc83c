/// A GRU or LSTM over each item's plot words (encoder (d)), trained end-to-end with the
/// preference loss. Word vectors start from pretrained ones or at random.
public final class RecurrentTower: Tower {
    public enum Cell: String, Sendable, CaseIterable { case gru, lstm }

    public let axis: Axis = .items
    public let cell: Cell
    public let sequences: [[Int32]]
    public let maxWords: Int
    /// The plots' tokenizer and vocabulary, to read a new plot.
    public let text: TextEncoder?
    private let rnn: any RecurrentCell

    /// `sequences[i]` are item i's word ids; `words` their vectors (one row per vocabulary word).
    public init(sequences: [[Int32]], cell: Cell, hidden: Int, words: Embedding, maxWords: Int = 60,
                output: RecurrentOutput = .last, text: TextEncoder? = nil, rng: RandomSource) throws {
        self.text = text
        guard maxWords > 0 else { throw ModelError("recurrent tower", "the word limit must be positive, got \(maxWords)") }
        for (i, s) in sequences.enumerated() where s.contains(where: { $0 < 0 || Int($0) >= words.count }) {
            throw ModelError("recurrent tower", "item \(i) has a word id outside the \(words.count)-word vocabulary")
        }
        self.cell = cell
        self.sequences = sequences
        self.maxWords = maxWords
        switch cell {
        case .gru: rnn = try GRU(words: words, hidden: hidden, output: output, rng: rng)
        case .lstm: rnn = try LSTM(words: words, hidden: hidden, output: output, rng: rng)
        }
    }

    public var width: Int { rnn.hidden }
    public var idCount: Int? { sequences.count }
    public var ownParameters: [Variable] { rnn.parameters }
    public var vocabulary: Vocabulary? { text?.vocabulary }

    public func forward(_ ids: [Int32], _ context: TowerContext) throws -> Variable {
        if context.ablation == .idOnly { return Variable(Tensor(zeros: Shape(ids.count, width))) }
        let batch = SequenceBatch(ids.map { sequences[Int($0)] }, maxLength: maxWords)
        return try rnn.forward(batch, context.forward)
    }

    public func encodeNew(_ plot: String, _ context: TowerContext) throws -> Variable {
        guard let text else { throw ModelError("new plot", "this RNN encoder has no vocabulary to read a new plot") }
        let batch = SequenceBatch([text.ids(plot)], maxLength: maxWords)
        return try rnn.forward(batch, context.forward)
    }

    public var description: String { rnn.description + " over plots (≤ \(maxWords) words)" }
}
