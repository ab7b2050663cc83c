import CKernels
import Synchronization

/// A node of the reverse-mode tape: a value, and (when it depends on a parameter) the way to
/// send a gradient back to the nodes it was computed from. Ops record their backward as they
/// run (define-by-run); `backward()` walks the recorded nodes in reverse topological order.
public final class Variable {
    public let value: Tensor
    /// The accumulated dense gradient (nil until something flows in). Parameters keep theirs
    /// across `backward` calls until an optimizer or `zeroGrad` clears it; intermediate nodes
    /// drop theirs once passed on. Within part k ≥ 1 of a split batch a parameter's gradient
    /// is that part's copy (`partCopy`): every op that reads or writes it goes there.
    public internal(set) var grad: Tensor? {
        get {
            if let copy = partCopy { return copy.ownGrad }
            return ownGrad
        }
        set { if let copy = partCopy { copy.ownGrad = newValue } else { ownGrad = newValue } }
    }
    private var ownGrad: Tensor?
    /// Row gradients of an embedding table that asked for sparse updates (touched rows only);
    /// a part's copy within part k ≥ 1 of a split batch, as `grad`.
    public var sparseGrad: SparseRowGradient? {
        if let copy = partCopy { return copy.ownSparseGrad }
        return ownSparseGrad
    }
    private let ownSparseGrad: SparseRowGradient?
    public let requiresGrad: Bool
    public var name: String

    /// 1 + the deepest parent: ordering by depth (deepest first) is a topological order.
    let depth: Int
    /// The nodes this one was computed from: up to three inline (every op's but a
    /// concatenation's of more), the others in `moreParents`. An array for every node was an
    /// allocation, a free and a retain per parent each step.
    private let parent0, parent1, parent2: Variable?
    private let moreParents: [Variable]
    private let backwardFn: ((Tensor) -> Void)?
    /// Whether the backward only reads the gradient it is given (a gather's scatter): then a
    /// `+` can hand one tensor to two such operands instead of copying it for the second.
    let readsGradientOnly: Bool
    /// Whether `grad` is a tensor another node holds too (see `shareGradient`): added to, it is
    /// replaced by a new sum rather than changed in place.
    private var gradShared = false
    private var mark: Int = 0
    /// A parameter's gradient copies for parts 1… of a batch split by `GradientWorkers` (nil
    /// otherwise): what those parts' backward passes accumulate into.
    var partCopies: [Variable]?

    /// A constant: no gradient flows into it.
    public init(_ value: Tensor, name: String = "") {
        self.value = value
        self.name = name
        requiresGrad = false
        ownSparseGrad = nil
        depth = 0
        (parent0, parent1, parent2, moreParents) = (nil, nil, nil, [])
        backwardFn = nil
        readsGradientOnly = false
    }

    /// A trainable leaf. `sparse` keeps gradients as touched rows (embedding tables).
    public init(parameter value: Tensor, name: String = "", sparse: Bool = false) {
        self.value = value
        self.name = name
        requiresGrad = true
        ownSparseGrad = sparse && value.rank == 2 ? SparseRowGradient(rows: value.shape[0], width: value.shape[1]) : nil
        depth = 0
        (parent0, parent1, parent2, moreParents) = (nil, nil, nil, [])
        backwardFn = nil
        readsGradientOnly = false
    }

    /// The result of an op on parents `a`, `b`, `c` and `more`.
    private init(result value: Tensor, _ a: Variable, _ b: Variable?, _ c: Variable?, more: [Variable],
                 readsGradientOnly: Bool, backward: @escaping (Tensor) -> Void) {
        self.value = value
        name = ""
        requiresGrad = true
        ownSparseGrad = nil
        let deepest = Swift.max(a.depth, b?.depth ?? 0, c?.depth ?? 0, more.reduce(0) { Swift.max($0, $1.depth) })
        depth = 1 + deepest
        (parent0, parent1, parent2, moreParents) = (a, b, c, more)
        backwardFn = backward
        self.readsGradientOnly = readsGradientOnly
    }

    /// Record the result of an op on `a` (and `b`, `c` when given). Nothing is recorded in
    /// inference mode or when no parent needs a gradient; then the backward closure is never
    /// kept. `readsGradientOnly`: the backward neither changes the gradient it is given nor
    /// keeps it or passes it on.
    static func record(_ value: Tensor, _ a: Variable, _ b: Variable? = nil, _ c: Variable? = nil,
                       readsGradientOnly: Bool = false, backward: @escaping (Tensor) -> Void) -> Variable {
        let needed = a.requiresGrad || b?.requiresGrad == true || c?.requiresGrad == true
        guard needed, Autodiff.isRecording else { return Variable(value) }
        return Variable(result: value, a, b, c, more: [], readsGradientOnly: readsGradientOnly, backward: backward)
    }

    /// Record the result of an op on any number of `parents` (a concatenation).
    static func record(_ value: Tensor, parents: [Variable], backward: @escaping (Tensor) -> Void) -> Variable {
        guard let first = parents.first, parents.contains(where: \.requiresGrad), Autodiff.isRecording else {
            return Variable(value)
        }
        return Variable(result: value, first, nil, nil, more: Array(parents.dropFirst()), readsGradientOnly: false, backward: backward)
    }

    /// The variables in order, each once (nodes may share parameters).
    static func distinct(_ variables: [Variable]) -> [Variable] {
        var seen = Set<ObjectIdentifier>()
        return variables.filter { seen.insert(ObjectIdentifier($0)).inserted }
    }

    public var shape: Shape { value.shape }
    /// Leaves (constants and parameters) have depth 0, op results at least 1: an integer test
    /// where comparing the backward closure with nil loaded (and retained) it.
    public var isLeaf: Bool { depth == 0 }

    // MARK: Gradients

    /// Add `g` (owned by the callee from now on) to this node's gradient.
    func accumulate(_ g: Tensor) {
        guard requiresGrad else { return }
        guard let existing = grad else { grad = g; return }
        if gradShared {
            let sum = Tensor(uninitialized: existing.shape)
            rk_sum(existing.pointer, g.pointer, sum.pointer, Int64(sum.count))
            grad = sum
            gradShared = false
        } else {
            existing.addInPlace(g)
        }
    }

    /// The gradient moved out of this node (nil left), as `grad` would read it.
    private func takeGradient() -> Tensor? {
        if let copy = partCopy { return copy.ownGrad.take() }
        return ownGrad.take()
    }

    /// The gradient, to be changed in place: first copied when another node holds it too.
    var ownedGradient: Tensor? {
        guard gradShared, let g = grad else { return grad }
        let own = g.copy()
        grad = own
        gradShared = false
        return own
    }

    /// Whether a `+` may give this node a gradient tensor it also gives another (`shareGradient`).
    var takesSharedGradient: Bool { readsGradientOnly && requiresGrad }

    /// Add `g`, which another node holds too: kept as it is when nothing flowed in yet (marked
    /// shared, so a later addition makes a new sum), else added. Only for `takesSharedGradient`.
    func shareGradient(_ g: Tensor) {
        if grad == nil {
            grad = g
            gradShared = true
        } else {
            accumulate(g)
        }
    }

    /// A table whose rows take a dense gradient for now, though it asked for sparse ones: a loss
    /// over every user touches every user row each step, so the table is read whole, in place,
    /// and stepped whole (`ScoreModel.denseUserRows`).
    var rowsDense = false

    /// Add rows of a gradient to the rows `indices` of this table (gather's backward).
    func accumulateRows(_ indices: [Int32], _ rows: Tensor) {
        guard requiresGrad else { return }
        if let sparse = sparseGrad, !rowsDense {
            sparse.add(indices, rows)
        } else {
            let g = ownedGradient ?? Tensor(zeros: value.shape)
            grad = g
            // Indices were checked by the forward gather.
            try? g.scatterAddRows(indices, rows)
        }
    }

    /// The gradient as a dense tensor, sparse rows included (zeros where nothing flowed).
    public var denseGrad: Tensor {
        let g = grad?.copy() ?? Tensor(zeros: value.shape)
        sparseGrad?.addInto(g)
        return g
    }

    /// Part k's dense gradient of this parameter in a split batch (0: its own), whichever
    /// part the calling thread runs.
    func gradient(ofPart k: Int) -> Tensor? { k == 0 ? ownGrad : partCopies?[k - 1].ownGrad }

    /// Part k's row gradients of this table in a split batch (0: its own), as `gradient(ofPart:)`.
    func rowGradient(ofPart k: Int) -> SparseRowGradient? { k == 0 ? ownSparseGrad : partCopies?[k - 1].ownSparseGrad }

    public func zeroGrad() {
        grad = nil
        sparseGrad?.clear()
    }

    /// Part 0's gradients of a parameter in a split batch (its own), cleared from any thread
    /// without looking up which part that thread runs.
    func zeroOwnGrad() {
        ownGrad = nil
        ownSparseGrad?.clear()
    }

    /// Back-propagate from this scalar: every node it depends on that needs a gradient gets
    /// one added (gradients accumulate across calls).
    public func backward() throws { try backward(seed: 1) }

    /// Back-propagate `seed` × d(this)/d(·): a part of a split batch passes its share of the
    /// batch (gradients are linear in the seed, so no pass over them scales afterwards).
    public func backward(seed: Float) throws {
        guard value.count == 1 else {
            throw ModelError("backward", "needs a single value to start from, got shape \(shape)")
        }
        guard requiresGrad else {
            throw ModelError("backward", "this value does not depend on any parameter")
        }
        let order = topologicalOrder()
        accumulate(Tensor(repeating: seed, shape: shape))
        for entry in order {
            entry.node._withUnsafeGuaranteedRef { node in
                // Intermediate gradients are not kept (their memory is reused): moved out, not copied.
                guard let g = node.takeGradient() else { return }
                node.gradShared = false
                node.backwardFn?(g)
            }
        }
    }

    private static let marks = Atomic<Int>(0)

    /// A node of this graph in the walk, unretained: this root holds every node it depends on
    /// (each node holds its parents, and a backward closure drops none) until `backward`
    /// returns, so the walk needs no reference counting per node.
    private struct Visit {
        let node: Unmanaged<Variable>
        let depth: Int
        init(_ node: Variable) { (self.node, depth) = (.passUnretained(node), node.depth) }
    }

    /// The nodes that need a gradient, deepest first. Leaves (parameters, which the parts of
    /// a split batch share) are never marked: only the nodes of this graph are written.
    private func topologicalOrder() -> [Visit] {
        let stamp = Variable.marks.add(1, ordering: .relaxed).newValue
        var order: [Visit] = [], stack: [Visit] = []
        order.reserveCapacity(32)
        stack.reserveCapacity(32)
        stack.append(Visit(self))
        mark = stamp
        func visit(_ p: Variable?) {
            guard let p, p.requiresGrad, !p.isLeaf, p.mark != stamp else { return }
            p.mark = stamp
            stack.append(Visit(p))
        }
        while let entry = stack.popLast() {
            entry.node._withUnsafeGuaranteedRef { node in
                if !node.isLeaf { order.append(entry) }
                visit(node.parent0)
                visit(node.parent1)
                visit(node.parent2)
                for p in node.moreParents { visit(p) }
            }
        }
        order.sort { $0.depth > $1.depth }
        return order
    }
}

/// Whether ops record their backward. `Autodiff.inference { … }` runs a block recording
/// nothing (evaluation, scoring), which also saves the memory of saved activations.
public enum Autodiff {
    @TaskLocal static var recordingFlag = true

    public static var isRecording: Bool { recordingFlag }

    public static func inference<T>(_ body: () throws -> T) rethrows -> T {
        try $recordingFlag.withValue(false) { try body() }
    }
}
