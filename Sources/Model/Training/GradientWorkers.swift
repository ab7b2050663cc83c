/// Data-parallel gradients for one optimizer step. A batch of n examples is cut into fixed
/// parts of consecutive examples (part k: n·k/parts ..< n·(k+1)/parts), one per thread; each
/// part builds and differentiates its own loss graph, seeded with its share of the batch, and
/// the parts' gradients are then added into the parameters in part order. Which thread runs
/// which part never matters: part k draws from its own random stream (seeded from the step's
/// generator) and accumulates into its own gradient copies (part 0 into the parameters), so a
/// given thread count always gives the same bits. One thread is the plain serial step.
public final class GradientWorkers {
    /// One part of a split batch, as its graph-building body sees it.
    public struct Part {
        /// 0-based; part 0 accumulates into the parameters themselves.
        public let index: Int
        /// The parts of this batch.
        public let count: Int
        /// Its examples, positions in the batch.
        public let range: Range<Int>
        /// Its share of the batch (its examples ÷ the batch's): the seed of its backward pass,
        /// so that a loss that is a mean over examples gets the whole batch's gradient.
        public let weight: Float
        /// Its random stream: the step's generator itself when the batch is not split.
        public let rng: RandomSource
        /// A stream seeded the same in every part of the batch, for draws the parts share
        /// (`TowerContext.shared`): the step's generator when the batch is not split.
        public let shared: RandomSource
        /// Its place at the parts' meeting (`PartMeeting`); nil when the batch is not split.
        public let seat: PartSeat?
    }

    /// Parts a batch is cut into (1: not split).
    public let threads: Int
    public let parameters: [Variable]
    /// Each part's own stream, and its copy of the batch's shared one.
    private let streams: [RandomSource], sharedStreams: [RandomSource]
    /// The threads beside the caller's, kept from step to step (nil for one thread).
    private let helpers: PartThreads?
    /// Where a split batch's parts pool shared work (nil for one thread).
    private let meeting: PartMeeting?
    /// A split step's cut update, kept from step to step.
    private let update: PartedUpdate
    /// The helpers' tail after a split step (see `tail`).
    private let helperTail: ((Int) -> Void)?
    /// Whether part 0's gradients are still to be cleared once the helpers' pieces of the
    /// last update are done (see `settle`).
    private var clearingOwn = false
    /// `prepare`s handed to a helper so far (see `awaitPrepared`).
    private var handedOut = 0

    /// Gradient copies are attached to `parameters` until `release()`.
    public init(parameters: [Variable], threads: Int) {
        self.threads = Swift.min(Swift.max(1, threads), CurrentPart.limit)
        self.parameters = Variable.distinct(parameters)
        streams = (0..<self.threads).map { RandomSource(seed: UInt64($0)) }
        sharedStreams = (0..<self.threads).map { RandomSource(seed: UInt64($0)) }
        if self.threads > 1 {
            for p in self.parameters {
                p.partCopies = (1..<self.threads).map { _ in
                    Variable(parameter: p.value, name: p.name, sparse: p.sparseGrad != nil)
                }
            }
        }
        let helpers = self.threads > 1 ? PartThreads(parts: self.threads) : nil
        meeting = self.threads > 1 ? PartMeeting(parts: self.threads) : nil
        let update = PartedUpdate(self.parameters, parts: self.threads)
        (self.helpers, self.update) = (helpers, update)
        let count = self.threads
        helperTail = helpers.map { GradientWorkers.tail(update, threads: count, $0) }
    }

    deinit { release() }

    /// Detaches the gradient copies (the parameters accumulate as before) and ends the
    /// helper threads: no step runs after this.
    public func release() {
        settle()
        for p in parameters { p.partCopies = nil }
        helpers?.stop()
    }

    /// The parts of a batch of `examples`: as many as the threads, never an empty one.
    func ranges(_ examples: Int) -> [Range<Int>] {
        let parts = Swift.max(1, Swift.min(threads, examples))
        return (0..<parts).map { PartedRanges.rows(examples, piece: $0, of: parts) }
    }

    /// The parts of a batch of `examples`, their streams seeded from `rng` (the shared one,
    /// then one per part) when the batch is split; else the whole batch on `rng` itself.
    private func parts(_ examples: Int, _ rng: RandomSource) -> [Part] {
        let ranges = ranges(examples)
        if ranges.count == 1 { return [Part(index: 0, count: 1, range: 0..<examples, weight: 1, rng: rng, shared: rng, seat: nil)] }
        let common = rng.next()
        // No part of the last step runs any more (its tails may: they do not meet).
        let meeting = ranges.count == threads ? meeting : nil
        meeting?.begin()
        return ranges.enumerated().map { k, r in
            streams[k].reseed(rng.next())
            sharedStreams[k].reseed(common)
            return Part(index: k, count: ranges.count, range: r, weight: Float(r.count) / Float(examples), rng: streams[k], shared: sharedStreams[k],
                        seat: meeting.map { PartSeat(meeting: $0, part: k) })
        }
    }

    /// Runs `body` for each part of a batch of `examples` (on its own thread when there are
    /// several), then adds the parts' gradients into the parameters. `body` builds the part's
    /// graph and calls `backward(seed: part.weight)`; its results come back in part order.
    public func run<T>(examples: Int, rng: RandomSource, _ body: (Part) throws -> T) throws -> [T] {
        settle()
        let parts = parts(examples, rng)
        if parts.count == 1 { return [try body(parts[0])] }
        let results = inParts(parts, body) { _ in }
        // Every part has finished: their gradients are whole, and none is touched any more.
        defer { reduce() }
        return try results.map { try $0.get() }
    }

    /// One optimizer step on a batch of `examples`: `body` computes each part's gradients (as
    /// in `run`); once all parts have finished, `proceed` sees their results in part order, on
    /// the calling thread, and says whether to take the step. The parts' gradients are then
    /// added and stepped, cut across the same threads when the optimizer can be cut
    /// (`PartedOptimizer`: the same bits as the whole step), else on this thread. Gradients
    /// are cleared either way; an error from a part or from `proceed` is thrown after.
    ///
    /// `prepare` (the next batch into buffers of its own, say: the parts may still read theirs)
    /// runs once: when the batch is split, on the first helper thread once its part is done,
    /// while this thread runs the serial section (see `settle`); else on this thread before
    /// returning. A split step's update and clearing end on the helpers while this thread
    /// returns: the parameters are whole again after `settle` (which every step begins with).
    // Specialized for the benchmark's parts (a loss each), which another module calls: the
    // generic entry point looked up metadata and copied results through value witnesses, on
    // this thread's path between the parts (a split bpr step's serial section 1.4 → 0.35 µs).
    @_specialize(exported: true, where T == Float)
    public func step<T>(examples: Int, rng: RandomSource, optimizer: Optimizer, _ body: (Part) throws -> T,
                        proceed: ([T]) throws -> Bool, prepare: (() -> Void)? = nil) throws -> [T] {
        // Before settling: the parts' streams are not read by the last step's tails.
        let parts = parts(examples, rng)
        if parts.count == 1 {
            settle()
            defer { prepare?() }
            let results = [try body(parts[0])]
            if try proceed(results) { optimizer.step(self.parameters) } else { clearGradients() }
            return results
        }
        var decision: Result<Bool, any Error> = .success(false)
        let parted = optimizer as? PartedOptimizer
        // Reduced and stepped on this thread: the copies are needed here after the parts.
        let serialStep = parted == nil
        if !serialStep, prepare != nil { handedOut += 1 }
        // The last step's pieces are awaited just before the parts start, and part 0's
        // gradients cleared once they have (see `ready`).
        let clearOwn = clearingOwn
        clearingOwn = false
        let results = inParts(parts, body, meanwhile: serialStep ? nil : prepare, tail: serialStep ? nil : helperTail,
                              ready: { [self] in if clearOwn { awaitPieces() } else { helpers?.settle() } },
                              first: { [self] in if clearOwn { update.clear(part: 0) } },
                              done: { k in if !serialStep { update.note(part: k) } }) { results in
            decision = Result { try proceed(results.map { try $0.get() }) }
            update.disarm()
            if let parted, case .success(true) = decision { update.prepare(parted) }
        } after: { k in
            // Piece 0 of the update; the helpers take the others in their tails.
            if k == 0 { update.run(piece: 0, of: threads) { helpers?.barrier(part: 0) {} } }
        }
        guard serialStep else {
            clearingOwn = true
            let values = try results.map { try $0.get() }
            _ = try decision.get()
            return values
        }
        defer {
            clearGradients()
            prepare?()
        }
        let values = try results.map { try $0.get() }
        if try decision.get() {
            reduce()
            optimizer.step(self.parameters)
        }
        return values
    }

    /// A split step's tail on helper k: its piece of the update (`PartedUpdate`), then, once
    /// every piece is done (each reads the other parts' gradients), part k's gradient copies
    /// dropped into its own free lists, while `settle` drops part 0's on the caller's thread.
    private static func tail(_ update: PartedUpdate, threads: Int, _ helpers: PartThreads) -> (Int) -> Void {
        { [unowned(unsafe) helpers] k in
            update.run(piece: k, of: threads) { helpers.barrier(part: k) {} }
            helpers.waitForAllTails(part: k)
            update.clear(part: k)
        }
    }

    /// Waits until the last step's `prepare` is done (a batch laid out ahead may be read), while
    /// its update may still be ending: a caller's own work before the next step then runs
    /// beside the helpers' tails.
    public func awaitPrepared() {
        helpers?.waitForMeanwhiles(handedOut)
    }

    /// Waits until the helper threads have finished the last step (its update, clearing and
    /// `prepare` included): the parameters are then whole. Cheap when they have.
    public func settle() {
        guard let helpers else { return }
        if clearingOwn {
            awaitPieces()
            update.clear(part: 0)
            clearingOwn = false
        }
        helpers.settle()
    }

    /// Waits until the helpers' pieces of the last split step are done (each reads the other
    /// parts' gradients; their own clearing may still run), and moves the cut of the next.
    private func awaitPieces() {
        guard let helpers else { return }
        // The helper is late when this thread has to wait for its piece; the cut moves only
        // once no piece runs.
        let helperLate = !helpers.tailsReached
        helpers.waitForTails()
        if threads == 2 { update.balance(firstLate: !helperLate) }
    }

    /// Runs each part's `body` on its thread, then `done` there; once all have finished,
    /// `serial` sees their results on the calling thread while the others wait, then every
    /// thread runs `after`.
    /// The first helper runs `meanwhile` once its part is done, while the serial section runs;
    /// helper k then goes on to `tail(k)` after `after` (see `PartThreads.run`). `ready` runs
    /// on this thread just before the helpers start (instead of waiting for their last tails
    /// to end), `first` on it just after, before part 0.
    private func inParts<T>(_ parts: [Part], _ body: (Part) throws -> T, meanwhile: (() -> Void)? = nil,
                            tail: ((Int) -> Void)? = nil, ready: (() -> Void)? = nil, first: () -> Void = {},
                            done: (Int) -> Void = { _ in },
                            serial: ([Result<T, any Error>]) -> Void,
                            after: (Int) -> Void = { _ in }) -> [Result<T, any Error>] {
        var results = [Result<T, any Error>?](repeating: nil, count: parts.count)
        results.withUnsafeMutableBufferPointer { slots in
            let out = UncheckedSendable(slots)
            concurrently(tail: tail, ready: ready) { k in
                if k == 0 { first() }
                if k < parts.count {
                    let result = Result { try body(parts[k]) }
                    // Parts waiting for this one at a meeting stop waiting.
                    if case .failure = result { parts[k].seat?.meeting.abandon() }
                    out.value[k] = result
                }
                done(k)
                helpers?.barrier(part: k, meanwhile: k == 1 ? meanwhile : nil) { serial(GradientWorkers.causes(out.value.map { $0! })) }
                after(k)
            }
        }
        return GradientWorkers.causes(results.map { $0! })
    }

    /// The parts' results with a part that failed only because another did (`PartAbandoned`)
    /// given that part's error: the step reports the cause.
    private static func causes<T>(_ results: [Result<T, any Error>]) -> [Result<T, any Error>] {
        let cause = results.lazy.compactMap { r -> (any Error)? in
            if case .failure(let e) = r, !(e is PartAbandoned) { return e }
            return nil
        }.first
        guard let cause else { return results }
        return results.map { r in
            if case .failure(let e) = r, e is PartAbandoned { return .failure(cause) }
            return r
        }
    }

    /// Adds each copy's gradient into its parameter, in part order, and clears the copy. The
    /// dense sums are cut by element ranges across the threads (each element still adds its
    /// copies in part order: the same bits); row gradients are merged on this thread.
    private func reduce() {
        settle()
        var sums: [(into: Tensor, copies: [Tensor])] = []
        for p in parameters {
            guard let copies = p.partCopies else { continue }
            var dense = copies.compactMap(\.grad)
            // No gradient of its own: the first copy's becomes it, as `accumulate` does.
            if p.grad == nil, !dense.isEmpty { p.accumulate(dense.removeFirst()) }
            if let g = p.grad, !dense.isEmpty { sums.append((g, dense)) }
            for c in copies {
                if let sparse = c.sparseGrad, sparse.count > 0 { p.sparseGrad?.add(sparse) }
            }
        }
        if !sums.isEmpty {
            helpers?.run { k in
                for (into, copies) in sums {
                    let r = PartedRanges.elements(into.count, piece: k, of: threads)
                    for c in copies { Kernels.add(c.pointer + r.lowerBound, into: into.pointer + r.lowerBound, r.count) }
                }
            }
        }
        clearCopies()
    }

    /// Every gradient of the parameters and of their part copies, dropped.
    private func clearGradients() {
        for p in parameters { p.zeroGrad() }
        clearCopies()
    }

    /// Drops the part copies' gradients, each part's buffers into that part's free lists (the
    /// lists its thread takes from: given to this thread's, they would pile up here while
    /// that thread went back to malloc for new ones every step).
    private func clearCopies() {
        for k in 1..<threads {
            CurrentPart.with(k) {
                for p in parameters { p.partCopies?[k - 1].zeroGrad() }
            }
        }
    }

    /// Calls `body(k)` for k in 0..<threads, part 0 on this thread, with the caller's Ctrl-C
    /// flag and recording mode (task-locals are not inherited by other threads) and the part
    /// index bound on each.
    private func concurrently(tail: ((Int) -> Void)? = nil, ready: (() -> Void)? = nil, _ body: (Int) -> Void) {
        let flag = Interruption.flag, recording = Autodiff.recordingFlag
        helpers?.run(ready: ready, { k in
            Interruption.$flag.withValue(flag) {
                Autodiff.$recordingFlag.withValue(recording) {
                    CurrentPart.with(k) { body(k) }
                }
            }
        }, tail: tail.map { tail in
            { k in CurrentPart.with(k) { tail(k) } }
        })
    }
}

extension Variable {
    /// The gradient copy that the current part accumulates into, when a split batch is
    /// running and this is a parameter (nil for part 0 and outside a split batch).
    var partCopy: Variable? {
        guard let copies = partCopies else { return nil }
        let k = CurrentPart.index
        return k == 0 ? nil : copies[k - 1]
    }
}

/// One value per part of a split batch, made by that part on first use: scratch that a
/// tower reuses from batch to batch without two parts ever sharing it.
final class PartLocal<Value>: @unchecked Sendable {  // slot k is touched by part k only
    private let slots: UnsafeMutableBufferPointer<Value?>

    init() {
        slots = .allocate(capacity: CurrentPart.limit)
        slots.initialize(repeating: nil)
    }

    deinit {
        _ = slots.deinitialize()
        slots.deallocate()
    }

    func value(_ make: () -> Value) -> Value {
        let k = CurrentPart.index
        if let v = slots[k] { return v }
        let v = make()
        slots[k] = v
        return v
    }
}
