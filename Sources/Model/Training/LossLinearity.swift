extension LossExpression {
    /// Whether the loss of a batch equals its parts' losses weighted by their shares of the
    /// examples, so that a batch can be cut into parts trained on separate threads
    /// (`GradientWorkers`): a mean over examples (bpr, listwise, warp, wmse, `mean` of an
    /// element-wise expression of the scores), sums and differences of such, scaled by
    /// constants, plus constants. A `sum` over examples, or a function of a mean, is not.
    var isMeanOverExamples: Bool {
        switch kind {
        case .mean, .constant: return true
        case .elementwise, .other: return false
        }
    }

    /// How a sub-expression depends on the batch's examples.
    private enum Kind { case constant, elementwise, mean, other }

    private var kind: Kind {
        switch self {
        case .positive, .negative: return .elementwise
        case .constant: return .constant
        case .bpr, .listwise, .warp, .weightedMSE, .weightedMSEAllUsers: return .mean
        case let .unary(op, x): return Self.kind(of: op, x.kind)
        case let .binary(op, a, b): return Self.kind(of: op, a.kind, b.kind)
        }
    }

    private static func kind(of op: Unary, _ x: Kind) -> Kind {
        switch (op, x) {
        case (_, .constant), (_, .other): return x
        case (.mean, .elementwise), (.mean, .mean), (.sum, .mean), (.neg, .mean): return .mean
        case (.sum, .elementwise): return .other  // a sum grows with the examples
        case (_, .elementwise): return .elementwise
        case (_, .mean): return .other  // a function of a mean is not a mean
        }
    }

    private static func kind(of op: Binary, _ a: Kind, _ b: Kind) -> Kind {
        switch (op, a, b) {
        case (_, .other, _), (_, _, .other): return .other
        case (_, .constant, .constant): return .constant
        case (_, .elementwise, .elementwise), (_, .elementwise, .constant), (_, .constant, .elementwise): return .elementwise
        case (.add, .mean, .mean), (.sub, .mean, .mean), (.add, .mean, .constant), (.add, .constant, .mean),
             (.sub, .mean, .constant), (.sub, .constant, .mean), (.mul, .mean, .constant), (.mul, .constant, .mean),
             (.div, .mean, .constant):
            return .mean
        default: return .other
        }
    }
}
