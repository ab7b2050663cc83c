/// A GRU over word-id sequences (word vectors from its own embedding table, which can start
/// from pretrained vectors). Gates follow the usual convention:
///   r = σ(x Wr + h Ur + b), z = σ(x Wz + h Uz + b), n = tanh(x Wn + bn + r ⊙ (h Un + cn)),
///   h' = (1 − z) ⊙ n + z ⊙ h.
/// Padded steps leave the state unchanged, so sequences of any length share one batch.
public final class GRU: Module {
    public let words: Embedding
    public let inputWeight: Variable     // [D, 3H]: r, z, n
    public let inputBias: Variable       // [3H]
    public let hiddenWeight: Variable    // [H, 3H]
    public let hiddenBias: Variable      // [3H]
    public let output: RecurrentOutput

    public init(words: Embedding, hidden: Int, output: RecurrentOutput = .last, rng: RandomSource) throws {
        guard hidden > 0 else { throw ModelError("gru", "hidden width must be positive, got \(hidden)") }
        self.words = words
        inputWeight = Variable(parameter: try .glorot(words.dim, 3 * hidden, rng: rng), name: "gru.input_weight")
        inputBias = Variable(parameter: Tensor(zeros: Shape(3 * hidden)), name: "gru.input_bias")
        hiddenWeight = Variable(parameter: try .glorot(hidden, 3 * hidden, rng: rng), name: "gru.hidden_weight")
        hiddenBias = Variable(parameter: Tensor(zeros: Shape(3 * hidden)), name: "gru.hidden_bias")
        self.output = output
    }

    public var hidden: Int { hiddenWeight.shape[0] }
    public var parameters: [Variable] { words.parameters + [inputWeight, inputBias, hiddenWeight, hiddenBias] }

    /// The encoding of each sequence: [B, H].
    public func forward(_ batch: SequenceBatch, _ context: ForwardContext) throws -> Variable {
        let h0 = Variable(Tensor(zeros: Shape(batch.batchSize, hidden)))
        var h = h0, sum = h0
        let H = hidden
        for t in 0..<batch.steps {
            let x = try words.forward(batch.ids(at: t), context)
            let xg = try Variable.affine(x, inputWeight, inputBias)
            let hg = try Variable.affine(h, hiddenWeight, hiddenBias)
            let r = try (xg.columns(0..<H) + hg.columns(0..<H)).sigmoid()
            let z = try (xg.columns(H..<2 * H) + hg.columns(H..<2 * H)).sigmoid()
            let n = try (xg.columns(2 * H..<3 * H) + r * hg.columns(2 * H..<3 * H)).tanh()
            let next = try n + z * (h - n)
            h = try h + batch.mask(at: t) * (next - h)
            if output == .mean { sum = try sum + batch.mask(at: t) * h }
        }
        return output == .mean ? try sum * batch.inverseLengths : h
    }

    public var description: String { "GRU(\(words.dim) → \(hidden), \(output.rawValue) state)" }
}
