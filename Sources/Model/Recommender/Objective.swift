import CKernels

/// What a loss reads on one batch of B examples (an item and its positive user each).
public struct BatchScores {
    /// Each example's positive user's score, [B].
    public let pos: Variable
    /// The sampled negative users' scores, [B, K]; nil when the negatives are all users.
    public let neg: Variable?
    /// With all users as negatives: Σ_b Σ_u s(item_b, u)² over the n users without a training
    /// event with item_b (from `Variable.gramianSquares`), and n.
    public let unobserved: (squares: Variable, users: Int)?
    /// How many users the negatives are drawn from (WARP estimates a rank among them).
    public let users: Int
    /// `neg` holds every user in index order (`Objective.Negatives.everyUser`), the positive among them.
    public let everyUser: Bool

    public init(pos: Variable, neg: Variable, users: Int, everyUser: Bool = false) {
        self.pos = pos
        self.neg = neg
        unobserved = nil
        self.users = users
        self.everyUser = everyUser
    }

    public init(pos: Variable, unobservedSquares: Variable, users: Int) {
        self.pos = pos
        neg = nil
        unobserved = (unobservedSquares, users)
        self.users = users
        everyUser = false
    }

    /// The sampled negatives' scores, which a loss over all users does not have.
    func negatives(_ what: String) throws -> Variable {
        guard let neg else {
            throw ModelError("objective", "\(what) needs sampled negatives: over all users only wmse can be computed (by the Gramian trick, never scoring every pair)")
        }
        return neg
    }
}

/// A loss over the positive scores `pos` [B] and the negative scores `neg` [B, K] of a batch,
/// written from primitives (the language's `sample(score)` then arithmetic) or ready-made;
/// or the weighted squared error over all users (`weightedMSEAllUsers`).
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
    /// `RankingLoss.weightedMSEAllUsers`: every user without an event with the item is a 0 target.
    case weightedMSEAllUsers(alpha: Float, negativeWeight: Float)
    /// `RankingLoss.warp`: the first sampled negative that violates the margin, weighted by the rank it implies.
    case warp(margin: Float)

    public func evaluate(_ s: BatchScores) throws -> Variable {
        switch self {
        case .positive: return s.pos
        case .negative: return try s.negatives("a loss written from the negatives' scores")
        case .constant(let c): return Variable(.scalar(c))
        case .bpr: return try RankingLoss.bpr(positive: s.pos, negative: s.negatives("bpr"))
        case .listwise:
            // Over every user the positive is already in the softmax: the multinomial likelihood.
            return s.everyUser ? try RankingLoss.softmaxOverUsers(positive: s.pos, all: s.negatives("listwise"))
                               : try RankingLoss.listwise(positive: s.pos, negative: s.negatives("listwise"))
        case .warp(let margin): return try RankingLoss.warp(positive: s.pos, negative: s.negatives("warp"), margin: margin, users: s.users)
        case let .weightedMSE(alpha, w):
            return try RankingLoss.weightedMSE(positive: s.pos, negative: s.negatives("wmse"), alpha: alpha, negativeWeight: w)
        case let .weightedMSEAllUsers(alpha, w):
            guard let all = s.unobserved else {
                throw ModelError("objective", "wmse over all users needs every user's scores, not K sampled negatives")
            }
            return try RankingLoss.weightedMSEAllUsers(positive: s.pos, unobservedSquares: all.squares, users: all.users,
                                                       alpha: alpha, negativeWeight: w)
        case let .unary(op, x): return try Self.apply(op, x.evaluate(s))
        case let .binary(op, a, b):
            let x = try a.evaluate(s), y = try b.evaluate(s)
            switch op {
            case .add: return try x + y
            case .sub: return try x - y
            case .mul: return try x * y
            case .div: return try x / y
            }
        }
    }

    private static func apply(_ op: Unary, _ v: Variable) throws -> Variable {
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
    }

    /// The shape the loss gives on a batch of 3 examples with these negatives (a usable loss
    /// gives a single value).
    public func batchShape(negatives: Objective.Negatives) throws -> Shape {
        let pos = Variable(Tensor(zeros: Shape(3)))
        switch negatives {
        case .sampled(let k): return try evaluate(BatchScores(pos: pos, neg: Variable(Tensor(zeros: Shape(3, Swift.max(1, k)))), users: 3)).shape
        case .allUsers: return try evaluate(BatchScores(pos: pos, unobservedSquares: Variable(.scalar(0)), users: 3)).shape
        case .everyUser: return try evaluate(BatchScores(pos: pos, neg: Variable(Tensor(zeros: Shape(3, 3))), users: 3, everyUser: true)).shape
        }
    }

    public var description: String {
        switch self {
        case .positive: return "pos"
        case .negative: return "neg"
        case .constant(let c): return formatRate(c)
        case .bpr: return "bpr"
        case .listwise: return "listwise"
        case .warp(let margin): return "warp(margin \(formatRate(margin)))"
        case let .weightedMSE(alpha, w): return "wmse(α \(formatRate(alpha))\(w == 1 ? "" : ", negatives × \(formatRate(w))"))"
        case let .weightedMSEAllUsers(alpha, w): return "wmse(α \(formatRate(alpha))\(w == 1 ? "" : ", unobserved × \(formatRate(w))"))"
        case let .unary(op, x): return op == .neg ? "-\(x)" : "\(op.rawValue)(\(x))"
        case let .binary(op, a, b): return "(\(a) \(op.rawValue) \(b))"
        }
    }
}

/// What `fit` optimises: the loss, and its negative users — K drawn for each batch, or all.
public struct Objective: CustomStringConvertible, Sendable {
    public enum Sampler: Sendable, Equatable {
        case uniform
        /// In proportion to training activity^β.
        case popular(beta: Float)
    }

    public enum Negatives: Sendable, Equatable {
        /// K users drawn per batch.
        case sampled(Int)
        /// Every user without a training event with the item, as a 0 target: only the weighted
        /// squared error, computed with the Gramian trick (`Variable.gramianSquares`).
        case allUsers
        /// Every user scored for each example in one product, the positive among them: the
        /// softmax over all users of `listwise` (Mult-DAE's multinomial likelihood).
        case everyUser

        /// Every user, one way or the other (nothing is drawn).
        public var isAllUsers: Bool { self == .allUsers || self == .everyUser }
    }

    public let loss: LossExpression
    public let negatives: Negatives
    public let sampler: Sampler
    /// Sampled negatives drawn for each positive (K per example), instead of K per batch
    /// shared by its examples (the default: one matrix product scores them all).
    public let perPositive: Bool

    /// K sampled negatives per batch (or per positive).
    public init(loss: LossExpression, negatives: Int, sampler: Sampler = .uniform, perPositive: Bool = false) throws {
        guard negatives >= 1 else { throw ModelError("objective", "negatives must be at least 1, got \(negatives)") }
        try Limits.floats([3, negatives], for: "objective", "negatives \(negatives)")
        try self.init(loss: loss, negatives: .sampled(negatives), sampler: sampler, perPositive: perPositive)
    }

    /// Checks that the loss is a single value on a batch of this shape before any training.
    public init(loss: LossExpression, negatives: Negatives, sampler: Sampler = .uniform, perPositive: Bool = false) throws {
        if case .sampled(let k) = negatives, k < 1 { throw ModelError("objective", "negatives must be at least 1, got \(k)") }
        if perPositive, negatives.isAllUsers {
            throw ModelError("objective", "negatives over all users are not drawn, so not per positive either")
        }
        let shape = try loss.batchShape(negatives: negatives)
        guard shape.count == 1 else {
            throw ModelError("objective", "the loss must be a single value, but gives shape \(shape) on a batch")
        }
        self.loss = loss
        self.negatives = negatives
        self.sampler = sampler
        self.perPositive = perPositive
    }

    /// The users drawn per batch, or per positive (none when the negatives are all users).
    public var sampledNegatives: Int {
        if case .sampled(let k) = negatives { return k }
        return 0
    }

    public var description: String {
        if negatives == .everyUser { return "\(loss) over every user" }
        guard case .sampled(let k) = negatives else { return "\(loss) over all users" }
        let s: String
        switch sampler {
        case .uniform: s = "uniform"
        case .popular(let beta): s = "popular^\(formatRate(beta))"
        }
        return "\(loss) over \(k) \(s) negative users per \(perPositive ? "positive" : "batch")"
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

    /// The numbers of n `rng.below(users)` (or `alias.sample(rng)`) in turn, drawn in C: one
    /// by one in Swift a draw cost 3.5–6 ns (an alias draw's branch mispredicted on about half
    /// of them), and WARP's 64 negatives per example came to 85–110 µs of a 256-example
    /// ML-100K batch, drawn on one thread before a split step's parts start.
    func draw(_ n: Int, into out: inout [Int32], rng: RandomSource) {
        if out.count != n { out = [Int32](repeating: 0, count: n) }
        out.withUnsafeMutableBufferPointer { out in
            rng.withStateWords { s in
                if let alias {
                    rk_draw_alias(s, alias.probability.baseAddress, alias.alias.baseAddress, Int64(alias.count), out.baseAddress, Int64(n))
                } else {
                    rk_draw_below(s, Int64(users), out.baseAddress, Int64(n))
                }
            }
        }
    }
}
