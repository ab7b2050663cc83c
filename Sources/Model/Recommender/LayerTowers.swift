/// A dense layer over a tower: act(x W + b), dropout on the output while training.
public final class DenseTower: Tower {
    public let input: any Tower
    public let dense: Dense
    /// L2 weight decay λ on the weights W (not the bias): λ/2 · ‖W‖² added to every batch's loss.
    public let decay: Float
    /// Scratch for batches over content, made on first use (one per part of a split batch).
    private let distinctIds = PartLocal<DistinctIds>()

    public init(_ input: any Tower, width: Int, activation: Activation = .none, dropout: Float = 0, bias: Bool = true,
                decay: Float = 0, rng: RandomSource) throws {
        guard decay.isFinite, decay >= 0 else { throw ModelError("dense", "decay must be a number ≥ 0, got \(decay)") }
        self.input = input
        self.decay = decay
        dense = try Dense(input.width, width, activation: activation, dropout: dropout, bias: bias, rng: rng,
                          name: "dense_\(input.axis.rawValue)")
    }

    /// `other`'s layer (the same parameters, trained together, decayed alike) ending in `activation`.
    init(sharing other: DenseTower, activation: Activation) {
        input = other.input
        decay = other.decay
        dense = Dense(sharing: other.dense, activation: activation)
    }

    public var decays: Bool { decay > 0 }

    public func decayPenalty(_ ids: [Int32], examples: Int) throws -> (parameter: Variable, penalty: Variable)? {
        guard decay > 0 else { return nil }
        return (dense.weight, dense.weight.sumOfSquares() * (decay / 2))
    }

    public var axis: Axis { input.axis }
    public var width: Int { dense.outputs }
    public var inputs: [any Tower] { [input] }
    public var drawsNothing: Bool { dense.dropout == 0 && input.drawsNothing }
    public var ownParameters: [Variable] { dense.parameters }

    public func forward(_ ids: [Int32], _ context: TowerContext) throws -> Variable {
        // When the input's rows depend on their ids alone (content), the projection runs once
        // per distinct id of the batch (popular movies repeat) and is spread back with a
        // gather: the same numbers, less work. Dropout stays per row of the batch.
        if input.rowsDependOnIdsAlone, let count = input.idCount {
            let distinct = distinctIds.value { DistinctIds(idCount: count) }
            if distinct.update(ids) {
                let y = try project(distinct.distinct, context)
                return try dense.dropOut(Variable.gather(y, distinct.inverse), context.forward)
            }
        }
        return try project(ids, context, dropout: dense.dropoutDraw(context.forward))
    }

    /// The layer over the input's rows for `ids`; over a content matrix the products read its
    /// rows in place instead of a gathered copy.
    private func project(_ ids: [Int32], _ context: TowerContext, dropout: (rate: Float, rng: RandomSource)? = nil) throws -> Variable {
        if let table = (input as? ContentTower)?.rows(context) {
            return try dense.project(rowsOf: table, ids, dropout: dropout)
        }
        return try dense.project(input.forward(ids, context), dropout: dropout)
    }

    public func encodeNew(_ text: String, _ context: TowerContext) throws -> Variable {
        try dense(input.encodeNew(text, context), context.forward)
    }

    public var description: String { dense.description + (decay > 0 ? " decay \(formatRate(decay))" : "") }
}

/// Dropout on a tower's output (the content representation, say): `wholeRows` drops entire rows.
public final class DropoutTower: Tower {
    public let input: any Tower
    public let dropout: Dropout

    public init(_ input: any Tower, rate: Float, wholeRows: Bool = false) throws {
        self.input = input
        dropout = try Dropout(rate, wholeRows: wholeRows)
    }

    public var axis: Axis { input.axis }
    public var width: Int { input.width }
    public var inputs: [any Tower] { [input] }
    public var ownParameters: [Variable] { [] }

    public func forward(_ ids: [Int32], _ context: TowerContext) throws -> Variable {
        try dropout(input.forward(ids, context), context.forward)
    }

    public func encodeNew(_ text: String, _ context: TowerContext) throws -> Variable { try input.encodeNew(text, context) }

    public var description: String { dropout.description }
}

/// The element-wise sum of two towers of one axis and width (merge by sum).
public final class SumTower: Tower {
    public let a: any Tower, b: any Tower

    public init(_ a: any Tower, _ b: any Tower) throws {
        guard a.axis == b.axis else { throw ModelError("add", "cannot add \(a.axis.side) to \(b.axis.side)") }
        guard a.width == b.width else {
            throw ModelError("add", "widths differ: \(a.width) and \(b.width)")
        }
        self.a = a
        self.b = b
    }

    public var axis: Axis { a.axis }
    public var width: Int { a.width }
    public var inputs: [any Tower] { [a, b] }
    public var drawsNothing: Bool { inputs.allSatisfy(\.drawsNothing) }
    public var ownParameters: [Variable] { [] }

    public func forward(_ ids: [Int32], _ context: TowerContext) throws -> Variable {
        try a.forward(ids, context) + b.forward(ids, context)
    }

    public func encodeNew(_ text: String, _ context: TowerContext) throws -> Variable {
        try a.encodeNew(text, context) + b.encodeNew(text, context)
    }

    public var description: String { "Sum(\(width))" }
}

/// The concatenation of towers of one axis (merge by concatenation).
public final class ConcatTower: Tower {
    public let parts: [any Tower]

    public init(_ parts: [any Tower]) throws {
        guard let first = parts.first else { throw ModelError("concat", "nothing to concatenate") }
        guard parts.allSatisfy({ $0.axis == first.axis }) else {
            throw ModelError("concat", "cannot concatenate item and user sides")
        }
        self.parts = parts
    }

    public var axis: Axis { parts[0].axis }
    public var width: Int { parts.reduce(0) { $0 + $1.width } }
    public var inputs: [any Tower] { parts }
    public var drawsNothing: Bool { inputs.allSatisfy(\.drawsNothing) }
    public var ownParameters: [Variable] { [] }

    public func forward(_ ids: [Int32], _ context: TowerContext) throws -> Variable {
        try Variable.concat(parts.map { try $0.forward(ids, context) })
    }

    public func encodeNew(_ text: String, _ context: TowerContext) throws -> Variable {
        try Variable.concat(parts.map { try $0.encodeNew(text, context) })
    }

    public var description: String { "Concat(\(parts.map { String($0.width) }.joined(separator: " + ")) → \(width))" }
}

/// An activation applied to a node's output (`elu(dense(x, 64))`). Applied to a plain dense
/// node (no activation, no dropout) it becomes that layer ending in the activation —
/// `Dense(300 → 64, elu)`, one fused op, the same parameters.
public final class ActivationTower: Tower {
    public let input: any Tower
    public let activation: Activation

    /// The node computing act(input).
    public static func apply(_ activation: Activation, to input: any Tower) -> any Tower {
        if activation == .none { return input }
        if let d = input as? DenseTower, d.dense.activation == .none, d.dense.dropout == 0 {
            return DenseTower(sharing: d, activation: activation)
        }
        return ActivationTower(input, activation)
    }

    init(_ input: any Tower, _ activation: Activation) {
        self.input = input
        self.activation = activation
    }

    public var axis: Axis { input.axis }
    public var width: Int { input.width }
    public var inputs: [any Tower] { [input] }
    public var drawsNothing: Bool { inputs.allSatisfy(\.drawsNothing) }
    public var ownParameters: [Variable] { [] }
    public var rowsDependOnIdsAlone: Bool { input.rowsDependOnIdsAlone }

    public func forward(_ ids: [Int32], _ context: TowerContext) throws -> Variable {
        activation.apply(to: try input.forward(ids, context))
    }

    public func encodeNew(_ text: String, _ context: TowerContext) throws -> Variable {
        activation.apply(to: try input.encodeNew(text, context))
    }

    public var description: String { "Activation(\(activation.rawValue), \(width))" }
}
