/// Inverted dropout as a layer of its own; `wholeRows` drops entire rows (embedding dropout).
public final class Dropout: Layer {
    public let rate: Float
    public let wholeRows: Bool

    public init(_ rate: Float, wholeRows: Bool = false) throws {
        guard rate >= 0, rate < 1 else { throw ModelError("dropout", "rate must be in [0, 1), got \(rate)") }
        self.rate = rate
        self.wholeRows = wholeRows
    }

    public var parameters: [Variable] { [] }

    public func forward(_ x: Variable, _ context: ForwardContext) throws -> Variable {
        guard context.training, rate > 0 else { return x }
        return try x.dropout(rate: rate, rng: context.rng, wholeRows: wholeRows)
    }

    public var description: String { "Dropout(\(formatRate(rate))\(wholeRows ? ", rows" : ""))" }
}
