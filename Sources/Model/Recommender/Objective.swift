/// A loss over the positive scores `pos` [B] and the negative scores `neg` [B, K] of a batch,
/// written from primitives (the language's `sample(score)` then arithmetic) or ready-made.
/// The trainer evaluates it with the autodiff core each batch: no interpreter in the loop.
public indirect enum LossExpression: CustomStringConvertible, Sendable {
    public enum Unary: String, Sendable, CaseIterable { case neg, exp, log, sigmoid, softplus, tanh, elu, relu, mean, sum }
    public enum Binary: String, Sendable { case add = "+", sub = "-", mul = "*", div = "/" }

    case positive, negative
    case constant(Float)
    case unary(Unary, LossExpression)
    case binary(Binary, LossExpression, LossExpression)
    case bpr
    case listwise
    case weightedMSE(alpha: Float, negativeWeight: Float)

    public func evaluate(pos: Variable, neg: Variable) throws -> Variable {
        switch self {
        case .positive: return pos
        case .negative: return neg
        case .constant(let c): return Variable(.scalar(c))
        case .bpr: return try RankingLoss.bpr(positive: pos, negative: neg)
        case .listwise: return try RankingLoss.listwise(positive: pos, negative: neg)
        case let .weightedMSE(alpha, w): return try RankingLoss.weightedMSE(positive: pos, negative: neg, alpha: alpha, negativeWeight: w)
        case let .unary(op, x):
            let v = try x.evaluate(pos: pos, neg: neg)
            switch op {
            case .neg: return -v
            case .exp: return v.exp()
            case .log: return v.log()
            case .sigmoid: return v.sigmoid()
            case .softplus: return v.softplus()
            case .tanh: return v.tanh()
            case .elu: return v.elu()
            case .relu: return v.relu()
            case .mean: return v.mean()
            case .sum: return v.sum()
            }
        case let .binary(op, a, b):
            let x = try a.evaluate(pos: pos, neg: neg), y = try b.evaluate(pos: pos, neg: neg)
            switch op {
            case .add: return try x + y
            case .sub: return try x - y
            case .mul: return try x * y
            case .div: return try x / y
            }
        }
    }

    /// The shape the loss gives on a batch of 3 examples and `negatives` negatives (a usable
    /// loss gives a single value).
    public func batchShape(negatives: Int) throws -> Shape {
        try evaluate(pos: Variable(Tensor(zeros: Shape(3))), neg: Variable(Tensor(zeros: Shape(3, Swift.max(1, negatives))))).shape
    }

    public var description: String {
        switch self {
        case .positive: return "pos"
        case .negative: return "neg"
        case .constant(let c): return formatRate(c)
        case .bpr: return "bpr"
        case .listwise: return "listwise"
        case let .weightedMSE(alpha, w): return "wmse(α \(formatRate(alpha))\(w == 1 ? "" : ", negatives × \(formatRate(w))"))"
        case let .unary(op, x): return op == .neg ? "-\(x)" : "\(op.rawValue)(\(x))"
        case let .binary(op, a, b): return "(\(a) \(op.rawValue) \(b))"
        }
    }
}

/// What `fit` optimises: the loss, and how the K negative users of each batch are drawn.
public struct Objective: CustomStringConvertible, Sendable {
    public enum Sampler: Sendable, Equatable {
        case uniform
        /// In proportion to training activity^β.
        case popular(beta: Float)
    }

    public let loss: LossExpression
    public let negatives: Int
    public let sampler: Sampler

    /// Checks that the loss is a single value on a batch of this shape before any training.
    public init(loss: LossExpression, negatives: Int, sampler: Sampler = .uniform) throws {
        guard negatives >= 1 else { throw ModelError("objective", "negatives must be at least 1, got \(negatives)") }
        try Limits.floats([3, negatives], for: "objective", "negatives \(negatives)")
        let shape = try loss.batchShape(negatives: negatives)
        guard shape.count == 1 else {
            throw ModelError("objective", "the loss must be a single value, but gives shape \(shape) on a batch")
        }
        self.loss = loss
        self.negatives = negatives
        self.sampler = sampler
    }

    public var description: String {
        let s: String
        switch sampler {
        case .uniform: s = "uniform"
        case .popular(let beta): s = "popular^\(formatRate(beta))"
        }
        return "\(loss) over \(negatives) \(s) negative users"
    }
}

/// Draws the negative users of a batch.
struct UserSampler {
    let users: Int
    let alias: AliasSampler?

    init(_ sampler: Objective.Sampler, users: Int, train: Events) {
        self.users = users
        switch sampler {
        case .uniform: alias = nil
        case .popular(let beta):
            var counts = [Int](repeating: 0, count: users)
            for u in train.users { counts[Int(u)] += 1 }
            alias = counts.contains { $0 > 0 } ? AliasSampler(counts: counts, power: Double(beta)) : nil
        }
    }

    func draw(_ n: Int, into out: inout [Int32], rng: RandomSource) {
        out.removeAll(keepingCapacity: true)
        for _ in 0..<n { out.append(alias?.sample(rng) ?? Int32(rng.below(users))) }
    }
}
