/// Layers applied one after another.
public final class Sequential: Layer {
    public let layers: [any Layer]

    public init(_ layers: [any Layer]) { self.layers = layers }

    public var parameters: [Variable] { layers.flatMap(\.parameters) }

    public func forward(_ x: Variable, _ context: ForwardContext) throws -> Variable {
        try layers.reduce(x) { try $1.forward($0, context) }
    }

    public var description: String {
        "Sequential(\n" + layers.map { "  " + $0.description }.joined(separator: "\n") + "\n)"
    }
}
