#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Implicit ALS (Hu, Koren & Volinsky 2008): user and item factors fitted to preferences
/// p = 1 for every training event (0 elsewhere) with confidence 1 + α·(event count), all
/// unobserved pairs included through the Gramian: each row solves
/// (YᵀY + Yᵤᵀ(Cᵤ − I)Yᵤ + λᵤI) x = Yᵤᵀ Cᵤ pᵤ by Cholesky, touching only the row's events.
/// λᵤ = λ·(1 + the row's event count)^ν: with ν (`lambdaPower`) > 0 heavy users and popular
/// items are held back more than rare ones (frequency-scaled regularisation, as Rendle et al.
/// 2021 tune iALS); ν = 0 is the classic single λ. With item `content` ([items, features],
/// values ≥ 0), each feature is one more (pseudo-)user whose "event count" on an item is
/// contentWeight × the item's value (collective factorisation: items with the same genre share a
/// fan whose factor pulls them together); the pseudo-users rank nobody.
/// Scores rank users for an item by user · item factors; items without events get zero factors.
public final class ALSScorer: UserScorer {
    public struct Options: Sendable {
        public var factors = 64
        public var lambda: Float = 30
        public var alpha: Float = 10
        public var iterations = 15
        public var lambdaPower: Float = 0
        public init() {}
    }

    public let users: Int
    public let options: Options
    public let userFactors: Tensor      // [users, factors]
    public let itemFactors: Tensor      // [items, factors]
    public let contentFactors: Tensor?  // [features, factors]: the pseudo-users of content, if any

    public init(train: Events, users: Int, items: Int, options: Options, content: Tensor? = nil, contentWeight: Float = 1,
                seed: UInt64, monitor: (any ProgressMonitor)? = nil) throws {
        try Self.check(options)
        let k = options.factors, features = content?.shape.dims.last ?? 0
        try Limits.floats([users + features + items, k], for: "als", "factors \(k) for \(users) users and \(items) items")
        self.users = users
        self.options = options
        var byUser = try Interactions.grouped(train, users: users, items: items, byItem: false, op: "als")
        var byItem = try Interactions.grouped(train, users: users, items: items, byItem: true, op: "als")
        if let c = content {
            try Self.addPseudoUsers(c, weight: contentWeight, users: users, items: items, byUser: &byUser, byItem: &byItem)
        }
        let rng = RandomSource(seed: seed)
        let allUsers = try Tensor.normal(Shape(users + features, k), std: 0.01, rng: rng)
        itemFactors = try Tensor.normal(Shape(items, k), std: 0.01, rng: rng)
        for iteration in 0..<options.iterations {
            try monitor?.advance(Double(iteration) / Double(options.iterations), "als: iteration \(iteration + 1) of \(options.iterations)")
            try Self.solveRows(allUsers, given: itemFactors, byUser, options)
            try Self.solveRows(itemFactors, given: allUsers, byItem, options)
        }
        userFactors = features == 0 ? allUsers : try allUsers.rows(0..<users)
        contentFactors = features == 0 ? nil : try allUsers.rows(users..<users + features)
    }

    /// Each content column as a user after the real ones: its row holds the items with a
    /// value > 0 (count weight × value), and each such item's row gains that user.
    private static func addPseudoUsers(_ content: Tensor, weight: Float, users: Int, items: Int,
                                       byUser: inout (starts: [Int], columns: [Int32], counts: [Float]),
                                       byItem: inout (starts: [Int], columns: [Int32], counts: [Float])) throws {
        guard content.rank == 2, content.shape[0] == items else {
            throw ModelError("als", "content must be a [\(items), features] matrix (a row per item), got \(content.shape)")
        }
        guard weight.isFinite, weight > 0 else { throw ModelError("als", "content weight must be a positive number, got \(weight)") }
        let features = content.shape[1]
        var perItem = [[(Int32, Float)]](repeating: [], count: items)
        for f in 0..<features {
            for i in 0..<items {
                let v = content.pointer[i * features + f]
                guard v.isFinite, v >= 0 else { throw ModelError("als", "content values must be finite and ≥ 0, got \(v) at item \(i)") }
                guard v > 0 else { continue }
                byUser.columns.append(Int32(i)); byUser.counts.append(weight * v)
                perItem[i].append((Int32(users + f), weight * v))
            }
            byUser.starts.append(byUser.columns.count)
        }
        // Rebuilt item rows: the real users (ascending), then the pseudo-users.
        var starts = [0], columns: [Int32] = [], counts: [Float] = []
        for i in 0..<items {
            for e in byItem.starts[i]..<byItem.starts[i + 1] { columns.append(byItem.columns[e]); counts.append(byItem.counts[e]) }
            for (u, c) in perItem[i] { columns.append(u); counts.append(c) }
            starts.append(columns.count)
        }
        byItem = (starts, columns, counts)
    }

    private static func check(_ o: Options) throws {
        guard o.factors >= 1 else { throw ModelError("als", "factors must be at least 1, got \(o.factors)") }
        guard o.lambda.isFinite, o.lambda > 0 else { throw ModelError("als", "lambda must be a positive number, got \(o.lambda)") }
        guard o.alpha.isFinite, o.alpha >= 0 else { throw ModelError("als", "alpha must be a number ≥ 0, got \(o.alpha)") }
        guard o.lambdaPower.isFinite, o.lambdaPower >= 0 else {
            throw ModelError("als", "lambda_power must be a number ≥ 0, got \(o.lambdaPower)")
        }
        guard o.iterations >= 1 else { throw ModelError("als", "iterations must be at least 1, got \(o.iterations)") }
    }

    /// One half-step: every row of `x` solved with the other side `y` fixed.
    private static func solveRows(_ x: Tensor, given y: Tensor, _ rows: (starts: [Int], columns: [Int32], counts: [Float]), _ options: Options) throws {
        let k = options.factors, (alpha, lambda, power) = (options.alpha, options.lambda, options.lambdaPower)
        let gram = try y.matmul(y, transposeSelf: true)
        let longest = zip(rows.starts.dropFirst(), rows.starts).map { $0 - $1 }.max() ?? 0
        let scaled = Tensor(uninitialized: Shape(Swift.max(longest, 1), k))
        let a = Tensor(uninitialized: Shape(k, k)), b = Tensor(uninitialized: Shape(k))
        for r in 0..<x.shape[0] {
            let (start, end) = (rows.starts[r], rows.starts[r + 1]), out = x.pointer + r * k
            guard end > start else { out.update(repeating: 0, count: k); continue }
            b.pointer.update(repeating: 0, count: k)
            var events: Float = 0
            for (n, e) in (start..<end).enumerated() {
                events += rows.counts[e]
                let source = y.pointer + Int(rows.columns[e]) * k, c = alpha * rows.counts[e]
                let row = scaled.pointer + n * k, root = c.squareRoot()
                for d in 0..<k { row[d] = root * source[d] }
                Kernels.axpy(1 + c, source, b.pointer, k)
            }
            // A = YᵀY + λᵤI + Σ c·y yᵀ over the row's events (c = α·count: confidence minus one).
            a.pointer.update(from: gram.pointer, count: k * k)
            let rowLambda = power == 0 ? lambda : lambda * powf(1 + events, power)
            for d in 0..<k { a.pointer[d * k + d] += rowLambda }
            BLAS.gemm(m: k, n: k, k: end - start, scaled.pointer, lda: k, transposeA: true,
                      scaled.pointer, ldb: k, transposeB: false, a.pointer, ldc: k, beta: 1)
            guard Cholesky.solve(a.pointer, b.pointer, n: k) else {
                throw ModelError("als", "a row's system is not positive definite in single precision; raise lambda (\(rowLambda))")
            }
            out.update(from: b.pointer, count: k)
        }
    }

    public func scores(items: [Int32]) throws -> Tensor {
        try itemFactors.gatherRows(items).matmul(userFactors, transposeOther: true)
    }
}
