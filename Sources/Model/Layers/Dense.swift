/// A fully connected layer: act(x @ W + b) (or act(x @ W) without a bias), then dropout on
/// the output while training. W is Glorot-uniform initialised, b starts at zero.
public final class Dense: Layer {
    public let weight: Variable
    public let bias: Variable?
    public let activation: Activation
    public let dropout: Float

    public init(_ inputs: Int, _ outputs: Int, activation: Activation = .none, dropout: Float = 0, bias: Bool = true,
                rng: RandomSource, name: String = "dense") throws {
        guard inputs > 0, outputs > 0 else {
            throw ModelError("dense", "widths must be positive, got \(inputs) → \(outputs)")
        }
        guard dropout >= 0, dropout < 1 else {
            throw ModelError("dense", "dropout must be in [0, 1), got \(dropout)")
        }
        weight = Variable(parameter: try .glorot(inputs, outputs, rng: rng), name: "\(name).weight")
        self.bias = bias ? Variable(parameter: Tensor(zeros: Shape(outputs)), name: "\(name).bias") : nil
        self.activation = activation
        self.dropout = dropout
    }

    /// The same weights (and bias) ending in another activation, without dropout: the layer
    /// `act(dense(x, n))` makes of a plain dense layer. Training either trains both.
    public init(sharing other: Dense, activation: Activation) {
        weight = other.weight
        bias = other.bias
        self.activation = activation
        dropout = 0
    }

    public var inputs: Int { weight.shape[0] }
    public var outputs: Int { weight.shape[1] }
    public var parameters: [Variable] { [weight] + (bias.map { [$0] } ?? []) }

    /// act(x @ W + b), then dropout while training: one fused op (the same numbers as the two apart).
    public func forward(_ x: Variable, _ context: ForwardContext) throws -> Variable {
        try project(x, dropout: dropoutDraw(context))
    }

    /// The dropout `forward` applies in this context (training only), for `project`.
    public func dropoutDraw(_ context: ForwardContext) -> (rate: Float, rng: RandomSource)? {
        context.training && dropout > 0 ? (dropout, context.rng) : nil
    }

    /// act(x @ W + b) (no b without a bias), without the dropout unless given: a caller that computes it once per distinct row and
    /// spreads it back to the batch applies `dropOut` to the batch itself.
    public func project(_ x: Variable, dropout: (rate: Float, rng: RandomSource)? = nil) throws -> Variable {
        guard x.rank == 2, x.shape[1] == inputs else {
            throw ModelError("dense", "expects [batch, \(inputs)] input, got \(x.shape)")
        }
        return try Variable.affine(x, weight, bias, activation: activation, dropout: dropout)
    }

    /// `project(gather(table, ids))`, the product reading the table's rows in place (see
    /// `Variable.affine(rowsOf:…)`).
    public func project(rowsOf table: Variable, _ ids: [Int32], dropout: (rate: Float, rng: RandomSource)? = nil) throws -> Variable {
        guard table.rank == 2, table.shape[1] == inputs else {
            throw ModelError("dense", "expects rows of \(inputs), got a table of shape \(table.shape)")
        }
        return try Variable.affine(rowsOf: table, ids, weight, bias, activation: activation, dropout: dropout)
    }

    /// The layer's dropout on a batch of its outputs (training only).
    public func dropOut(_ y: Variable, _ context: ForwardContext) throws -> Variable {
        guard context.training, dropout > 0 else { return y }
        return try y.dropout(rate: dropout, rng: context.rng)
    }

    public var description: String {
        var parts = ["\(inputs) → \(outputs)"]
        if activation != .none { parts.append(activation.rawValue) }
        if dropout > 0 { parts.append("dropout \(formatRate(dropout))") }
        if bias == nil { parts.append("no bias") }
        return "Dense(" + parts.joined(separator: ", ") + ")"
    }
}
