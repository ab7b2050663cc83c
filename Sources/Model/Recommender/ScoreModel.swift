/// The flip recommender's score: s(i, u) = item(i) · user(u) (+ a learned per-user bias,
/// which captures how active a user is). Trained with K negative users sampled per batch and
/// shared by it, so negative scoring is one matrix product (or K per positive, or all users).
public final class ScoreModel {
    public let item: any Tower
    public let user: any Tower
    public let bias: Variable?
    public let users: Int, items: Int

    public init(user: any Tower, item: any Tower, users: Int, items: Int, userBias: Bool = true) throws {
        guard user.axis == .users else { throw ModelError("score", "the user side is indexed by \(user.axis.rawValue), not users") }
        guard item.axis == .items else { throw ModelError("score", "the item side is indexed by \(item.axis.rawValue), not items") }
        guard user.width == item.width else {
            throw ModelError("score", "user side width \(user.width) and item side width \(item.width) differ")
        }
        self.item = item
        self.user = user
        self.users = users
        self.items = items
        bias = userBias ? Variable(parameter: Tensor(zeros: Shape(users, 1)), name: "user_bias", sparse: true) : nil
    }

    /// Every node of both sides, each once (the graph never changes after construction).
    public private(set) lazy var nodes: [any Tower] = {
        var seen = Set<ObjectIdentifier>(), out: [any Tower] = []
        for t in item.nodes + user.nodes where seen.insert(ObjectIdentifier(t)).inserted { out.append(t) }
        return out
    }()

    /// Each parameter once, though nodes may share one.
    public var parameters: [Variable] { Variable.distinct(nodes.flatMap(\.ownParameters) + (bias.map { [$0] } ?? [])) }

    /// The plots' vocabulary the model reads new plots with, when a node has one (for checkpoints).
    public var vocabulary: Vocabulary? { nodes.lazy.compactMap(\.vocabulary).first }
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.value.count } }

    /// Scores of each example's positive user [B] and of the shared negative users [B, K].
    public func batchScores(items ids: [Int32], positives: [Int32], negatives: [Int32],
                            _ context: TowerContext) throws -> (pos: Variable, neg: Variable) {
        let h = try item.forward(ids, context)
        var pos = try Variable.rowDot(h, user.forward(positives, context))
        var neg = try Variable.matmul(h, user.forward(negatives, context), transposeB: true)
        if let bias {
            pos = try pos + Variable.gather(bias, positives).reshaped(Shape(positives.count))
            neg = try neg + Variable.gather(bias, negatives).reshaped(Shape(1, negatives.count))
        }
        return (pos, neg)
    }

    /// Scores of each example's positive user [B] and of its own K negative users [B, K]
    /// (`negatives` holds B × K ids, example by example).
    public func perPositiveScores(items ids: [Int32], positives: [Int32], negatives: [Int32],
                                  _ context: TowerContext) throws -> (pos: Variable, neg: Variable) {
        let b = ids.count
        guard b > 0, negatives.count % b == 0 else {
            throw ModelError("score", "\(negatives.count) negative users do not split evenly over \(b) examples")
        }
        let k = negatives.count / b
        let h = try item.forward(ids, context)
        var pos = try Variable.rowDot(h, user.forward(positives, context))
        // Each item row repeated K times, against its example's K users: one row dot per pair.
        let repeated = try Variable.gather(h, (0..<Int32(b)).flatMap { [Int32](repeating: $0, count: k) })
        var neg = try Variable.rowDot(repeated, user.forward(negatives, context)).reshaped(Shape(b, k))
        if let bias {
            pos = try pos + Variable.gather(bias, positives).reshaped(Shape(b))
            neg = try neg + Variable.gather(bias, negatives).reshaped(Shape(b, k))
        }
        return (pos, neg)
    }

    /// With every user as a negative: each example's positive score [B] and Σ_b Σ_u s(item_b, u)²
    /// over the users `observed` leaves out for item_b, by the Gramian trick (the B × users
    /// scores are never formed). Gradients reach every user's row and the whole item side.
    public func allUserScores(items ids: [Int32], positives: [Int32], observed: ExcludedColumns,
                              _ context: TowerContext) throws -> (pos: Variable, unobservedSquares: Variable) {
        let v = try item.forward(ids, context)
        let u = try wholeUserTable(context) ?? user.forward(allUsers, context)
        var pos = try Variable.rowDot(v, Variable.gather(u, positives))
        // The bias read through one node, the positives' from it too: the table gets one dense
        // gradient (sparse rows beside it would take a second optimizer step).
        let b = try bias.map { try $0.reshaped($0.shape) }
        if let b { pos = try pos + Variable.gather(b, positives).reshaped(Shape(positives.count)) }
        // Every part of a split batch forms the same users' rows: they share the products over them.
        let seat = user.drawsNothing ? context.seat : nil
        let squares = try Variable.gramianSquares(v, u, bias: b, groups: ids, excluded: observed, seat: seat)
        return (pos, squares)
    }

    /// Every user's row of a bare user embedding without dropout, read in place (no copy of the
    /// table per step), once its rows take dense gradients (`denseUserRows`); else nil.
    private func wholeUserTable(_ context: TowerContext) -> Variable? {
        guard let tower = user as? EmbeddingTower, tower.drawsNothing, !context.absentUnseen,
              tower.embedding.table.rowsDense else { return nil }
        return tower.embedding.table
    }

    /// For a loss over every user (each step touches every user row): the user table's rows
    /// take one dense gradient and step whole, and the table is read in place; `false` puts
    /// it back to sparse rows. The same step as the sparse rows over every row.
    public func denseUserRows(_ on: Bool) {
        (user as? EmbeddingTower)?.embedding.table.rowsDense = on
    }

    /// 0..<users, the ids of a forward pass over every user.
    /// Made on first use: a fit over all users makes it before a split batch's parts run (they
    /// only read it).
    private(set) lazy var allUsers: [Int32] = (0..<Int32(users)).map { $0 }

    /// Whether any node decays its weights (the batch loss then adds `decayPenalty`).
    public private(set) lazy var hasDecay: Bool = nodes.contains { $0.decays }

    /// The towers' L2 weight decay on a batch: items' rows from `items`, users' from `users`,
    /// each decayed parameter once (nodes that share a layer share its decay), or nil.
    public func decayPenalty(items: [Int32], users: [Int32]) throws -> Variable? {
        var total: Variable?, seen = Set<ObjectIdentifier>()
        for t in nodes {
            guard let (parameter, penalty) = try t.decayPenalty(t.axis == .items ? items : users, examples: items.count),
                  seen.insert(ObjectIdentifier(parameter)).inserted else { continue }
            total = try total.map { try $0 + penalty } ?? penalty
        }
        return total
    }

    /// The extra losses the towers train with on a batch of items (a paragraph encoder's word
    /// prediction), drawn after the batch's scores.
    public func auxiliaryLosses(items ids: [Int32], _ context: TowerContext) throws -> [AuxiliaryLoss] {
        try nodes.compactMap { try $0.auxiliaryLoss(ids, context) }
    }

    /// Tells the towers which items and users have training events.
    public func observe(_ train: Events) {
        var seenItems = [Bool](repeating: false, count: items), seenUsers = [Bool](repeating: false, count: users)
        for i in train.items { seenItems[Int(i)] = true }
        for u in train.users { seenUsers[Int(u)] = true }
        for t in nodes { t.observe(seen: t.axis == .items ? seenItems : seenUsers) }
    }
}

extension ScoreModel: CustomStringConvertible {
    public var description: String {
        "Score(user \(user.width) · item \(item.width)\(bias == nil ? "" : " + user bias"), \(parameterCount) parameters)"
    }
}

/// Scores of every user for given items, in inference mode: what evaluation and
/// recommendation rank. A model, or a baseline.
public protocol UserScorer: AnyObject {
    var users: Int { get }
    /// [items.count, users] scores.
    func scores(items: [Int32]) throws -> Tensor
}

extension ScoreModel: UserScorer {
    public func scores(items ids: [Int32]) throws -> Tensor {
        try scores(items: ids, ablation: nil)
    }

    /// Scores with part of the item side switched off (see `Ablated`).
    public func scores(items ids: [Int32], ablation: TowerContext.Ablation?) throws -> Tensor {
        try Autodiff.inference {
            let context = TowerContext(training: false, rng: RandomSource(seed: 0), absentUnseen: true, ablation: ablation)
            let h = try item.forward(ids, context).value
            let u = try userMatrix(context)
            let s = try h.matmulTransposedWide(u)
            if let bias {
                let b = bias.value.pointer
                for r in 0..<ids.count { Kernels.add(b, into: s.pointer + r * users, users) }
            }
            return s
        }
    }

    /// The same trained model scored with only its IDs (content nodes absent) or only its
    /// content (item embeddings absent): whether the content helps, at a glance.
    public final class Ablated: UserScorer {
        public let model: ScoreModel
        public let ablation: TowerContext.Ablation
        public init(_ model: ScoreModel, _ ablation: TowerContext.Ablation) { self.model = model; self.ablation = ablation }
        public var users: Int { model.users }
        public func scores(items: [Int32]) throws -> Tensor { try model.scores(items: items, ablation: ablation) }
    }

    /// The user side for every user, computed in tiles.
    func userMatrix(_ context: TowerContext) throws -> Tensor {
        try matrix(of: user, count: users, context)
    }

    /// What a side's tower makes of every id, [ids, width], in inference mode (dropout off,
    /// unseen ids as evaluation sees them): the vectors scores are dot products of.
    public func vectors(of side: Axis) throws -> Tensor {
        try Autodiff.inference {
            let context = TowerContext(training: false, rng: RandomSource(seed: 0), absentUnseen: true)
            return side == .users ? try userMatrix(context) : try matrix(of: item, count: items, context)
        }
    }

    /// A tower's output for ids 0..<count, computed in tiles of 1024.
    private func matrix(of tower: any Tower, count: Int, _ context: TowerContext) throws -> Tensor {
        var parts: [Tensor] = []
        for start in stride(from: 0, to: count, by: 1024) {
            let ids = (start..<Swift.min(count, start + 1024)).map { Int32($0) }
            parts.append(try tower.forward(ids, context).value)
        }
        guard parts.count > 1 else { return parts.first ?? Tensor(zeros: Shape(0, tower.width)) }
        let out = Tensor(uninitialized: Shape(count, tower.width))
        var row = 0
        for p in parts {
            (out.pointer + row * tower.width).update(from: p.pointer, count: p.count)
            row += p.shape[0]
        }
        return out
    }
}
