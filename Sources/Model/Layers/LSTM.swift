/// An LSTM over word-id sequences (see GRU for the batching). Gates i, f, g, o:
///   c' = σ(f) ⊙ c + σ(i) ⊙ tanh(g),  h' = σ(o) ⊙ tanh(c').
/// The forget gate's bias starts at 1 so that early training remembers.
public final class LSTM: Module {
    public let words: Embedding
    public let inputWeight: Variable     // [D, 4H]: i, f, g, o
    public let inputBias: Variable       // [4H]
    public let hiddenWeight: Variable    // [H, 4H]
    public let output: RecurrentOutput

    public init(words: Embedding, hidden: Int, output: RecurrentOutput = .last, rng: RandomSource) throws {
        guard hidden > 0 else { throw ModelError("lstm", "hidden width must be positive, got \(hidden)") }
        self.words = words
        inputWeight = Variable(parameter: try .glorot(words.dim, 4 * hidden, rng: rng), name: "lstm.input_weight")
        let bias = Tensor(zeros: Shape(4 * hidden))
        for i in hidden..<(2 * hidden) { bias[flat: i] = 1 }
        inputBias = Variable(parameter: bias, name: "lstm.bias")
        hiddenWeight = Variable(parameter: try .glorot(hidden, 4 * hidden, rng: rng), name: "lstm.hidden_weight")
        self.output = output
    }

    public var hidden: Int { hiddenWeight.shape[0] }
    public var parameters: [Variable] { words.parameters + [inputWeight, inputBias, hiddenWeight] }

    /// The encoding of each sequence: [B, H].
    public func forward(_ batch: SequenceBatch, _ context: ForwardContext) throws -> Variable {
        let zero = Variable(Tensor(zeros: Shape(batch.batchSize, hidden)))
        var h = zero, c = zero, sum = zero
        let H = hidden
        for t in 0..<batch.steps {
            let x = try words.forward(batch.ids(at: t), context)
            let gates = try Variable.affine(x, inputWeight, inputBias) + Variable.matmul(h, hiddenWeight)
            let i = try gates.columns(0..<H).sigmoid()
            let f = try gates.columns(H..<2 * H).sigmoid()
            let g = try gates.columns(2 * H..<3 * H).tanh()
            let o = try gates.columns(3 * H..<4 * H).sigmoid()
            let cNext = try f * c + i * g
            let hNext = try o * cNext.tanh()
            let m = batch.mask(at: t)
            c = try c + m * (cNext - c)
            h = try h + m * (hNext - h)
            if output == .mean { sum = try sum + m * h }
        }
        return output == .mean ? try sum * batch.inverseLengths : h
    }

    public var description: String { "LSTM(\(words.dim) → \(hidden), \(output.rawValue) state)" }
}
