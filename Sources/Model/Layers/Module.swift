/// What a forward pass needs besides its input: whether it is training (dropout on) and the
/// shared random generator that dropout draws from.
public struct ForwardContext {
    public var training: Bool
    public let rng: RandomSource

    public init(training: Bool, rng: RandomSource) {
        self.training = training
        self.rng = rng
    }
}

/// Anything with trainable parameters that describes itself like Torch's `nn`
/// (`Dense(300 → 64, elu, dropout 0.2)`).
public protocol Module: AnyObject, CustomStringConvertible {
    var parameters: [Variable] { get }
}

extension Module {
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.value.count } }
}

/// A module from one batch of vectors to another.
public protocol Layer: Module {
    func forward(_ x: Variable, _ context: ForwardContext) throws -> Variable
}

extension Layer {
    public func callAsFunction(_ x: Variable, _ context: ForwardContext) throws -> Variable {
        try forward(x, context)
    }
}

/// Formats a rate for descriptions: 0.2 → "0.2", 1.0 → "1".
func formatRate(_ r: Float) -> String {
    let s = "\(r)"
    return s.hasSuffix(".0") ? String(s.dropLast(2)) : s
}
