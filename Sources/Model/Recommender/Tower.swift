/// Which ids a tower's rows are indexed by.
public enum Axis: String, Sendable {
    case items, users

    /// "an item side", "a user side", as messages say it.
    public var side: String { self == .items ? "an item side" : "a user side" }
}

/// What a tower needs for one forward pass.
public struct TowerContext {
    public var forward: ForwardContext
    /// Evaluation scores cold items: embedding rows of ids never seen in training are absent
    /// (zeros), so the score comes from the rest of the tower (content).
    public var absentUnseen: Bool
    /// Ablations at scoring time: the item embedding absent for every item (content only),
    /// or every content node absent (IDs only).
    public var ablation: Ablation?
    /// What every part of a split batch must draw alike (a paragraph tower's noise words): a
    /// stream seeded the same in each part; `rng` itself when the batch is not split.
    public var shared: RandomSource
    /// Where the parts of a split training batch pool shared work; nil otherwise.
    public var seat: PartSeat?

    public enum Ablation: String, Sendable { case idOnly = "id_only", contentOnly = "content_only" }

    public init(training: Bool, rng: RandomSource, shared: RandomSource? = nil, absentUnseen: Bool = false,
                ablation: Ablation? = nil) {
        forward = ForwardContext(training: training, rng: rng)
        self.shared = shared ?? rng
        self.absentUnseen = absentUnseen
        self.ablation = ablation
    }

    public var training: Bool { forward.training }
    public var rng: RandomSource { forward.rng }
}

/// A loss a node trains with besides the objective: `weight × loss` joins the batch's loss, and
/// the history keeps `loss` (unweighted) apart under `name`.
public struct AuxiliaryLoss {
    /// The name of a paragraph encoder's loss.
    public static let wordPrediction = "word prediction"
    public let name: String
    public let loss: Variable
    public let weight: Float

    public init(name: String, loss: Variable, weight: Float) {
        self.name = name
        self.loss = loss
        self.weight = weight
    }
}

/// One side of the score: a computation from ids (items or users) to a [n, width] matrix,
/// built from embeddings, content and layers. Towers form a graph (the language's model
/// nodes); the trainer runs it batch by batch with the autodiff core.
public protocol Tower: AnyObject, CustomStringConvertible {
    var axis: Axis { get }
    var width: Int { get }
    var inputs: [any Tower] { get }
    /// How many ids the tower can take (its table's rows), when it knows.
    var idCount: Int? { get }
    /// Parameters of this node alone (not its inputs').
    var ownParameters: [Variable] { get }
    /// The vocabulary this node reads plots with, if it reads them (for checkpoints).
    var vocabulary: Vocabulary? { get }
    /// Whether each output row is a function of its id alone, whatever the batch and however
    /// it was drawn (no dropout, nothing sampled): a consumer may then compute once per
    /// distinct id of a batch (up to `idCount` ids).
    var rowsDependOnIdsAlone: Bool { get }
    /// Whether a training pass draws nothing at random (no dropout, nothing sampled), so that
    /// two passes over the same ids give the same rows: the parts of a split batch may then
    /// share work on them.
    var drawsNothing: Bool { get }
    func forward(_ ids: [Int32], _ context: TowerContext) throws -> Variable
    /// An extra loss term this node trains with (a paragraph encoder's word prediction), or nil.
    func auxiliaryLoss(_ ids: [Int32], _ context: TowerContext) throws -> AuxiliaryLoss?
    /// This node's L2 weight decay on a batch whose rows of this side are `ids` (B examples),
    /// with the parameter it decays, or nil when it has none.
    func decayPenalty(_ ids: [Int32], examples: Int) throws -> (parameter: Variable, penalty: Variable)?
    /// Whether `decayPenalty` can give a penalty (a decay above zero).
    var decays: Bool { get }
    /// Tells embedding nodes which ids have training events (the rest are absent when scoring).
    func observe(seen: [Bool])
    /// The row [1, width] of a new item known only by its plot (cold start): embeddings are
    /// absent (zeros), content nodes encode the text as they encoded the training plots.
    func encodeNew(_ text: String, _ context: TowerContext) throws -> Variable
}

extension Tower {
    public var inputs: [any Tower] { [] }
    /// Whether some node under this one reads content (plots, a content matrix) rather than
    /// ids alone: its leaves are the nodes without inputs, and embeddings read ids.
    public var readsContent: Bool { inputs.isEmpty ? !(self is EmbeddingTower) : inputs.contains { $0.readsContent } }
    public var idCount: Int? { inputs.lazy.compactMap(\.idCount).first }
    public var vocabulary: Vocabulary? { nil }
    public var rowsDependOnIdsAlone: Bool { false }
    public var drawsNothing: Bool { rowsDependOnIdsAlone }
    public func auxiliaryLoss(_ ids: [Int32], _ context: TowerContext) throws -> AuxiliaryLoss? { nil }
    public func decayPenalty(_ ids: [Int32], examples: Int) throws -> (parameter: Variable, penalty: Variable)? { nil }
    public var decays: Bool { false }
    public func observe(seen: [Bool]) {}

    /// Composite nodes: apply the node to its inputs' rows for the new item.
    public func encodeNew(_ text: String, _ context: TowerContext) throws -> Variable {
        throw ModelError("new plot", "\(description) cannot encode a new plot")
    }

    /// Every node reachable from this one, each once, inputs first.
    public var nodes: [any Tower] {
        var seen = Set<ObjectIdentifier>(), out: [any Tower] = []
        func visit(_ t: any Tower) {
            guard seen.insert(ObjectIdentifier(t)).inserted else { return }
            for i in t.inputs { visit(i) }
            out.append(t)
        }
        visit(self)
        return out
    }

    /// Each parameter once, though nodes may share one (`elu(d)` shares the dense node d's).
    public var parameters: [Variable] { Variable.distinct(nodes.flatMap(\.ownParameters)) }
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.value.count } }
}

