import Foundation
import Synchronization

/// Trains a score model on (item, positive user) events, in parts:
/// - `BatchLoss`: one batch's loss (shared with `gradientCheck`);
/// - `BatchFeed` and `FitRun`: the epoch loop, shuffled mini-batches and an optimizer step each;
/// - `EarlyStopping`: validation (ndcg@k on held-out events) after each epoch, and with
///   patience, stopping early with the best epoch's parameters restored;
/// - `DivergenceGuard`: a non-finite or exploding loss stops training with the last good
///   epoch's parameters restored;
/// - cancellation between batches (Ctrl-C), with the same restoring;
/// - extensions (`TrainerExtension`): progress reports, checkpoints, registered with `extend`.
public final class Trainer {
    public struct Options: Sendable {
        public var epochs = 10
        public var batchSize = 256
        public var patience: Int? = nil
        /// The cut-off of validation's ndcg@k.
        public var k = 20
        /// When a finite loss counts as exploded.
        public var divergence = DivergenceGuard()
        /// Threads a batch's gradients are computed on: the batch is cut into that many fixed
        /// parts (`GradientWorkers`), so a thread count always gives the same numbers, and one
        /// thread the plain serial step. A loss that is not a mean over examples, or one over
        /// all users, trains on one thread (with BLAS on as many as it was set to).
        public var threads = 1
        public init() {}
    }

    public let model: ScoreModel
    public let objective: Objective
    public let optimizer: any Optimizer
    public let options: Options
    /// Set from another thread (a signal handler) to stop between batches.
    public let cancel: CancelFlag
    public private(set) var extensions: [(extension: any TrainerExtension, trigger: Trigger)] = []
    /// The events the current (or last) `fit` trains on: part of the fitted state a
    /// checkpoint keeps.
    public private(set) var train: Events?

    public init(model: ScoreModel, objective: Objective, optimizer: any Optimizer, options: Options,
                cancel: CancelFlag = CancelFlag()) throws {
        guard options.epochs >= 1 else { throw ModelError("training", "epochs must be at least 1, got \(options.epochs)") }
        guard options.threads >= 1 else { throw ModelError("training", "threads must be at least 1, got \(options.threads)") }
        guard options.batchSize >= 1 else { throw ModelError("training", "the batch size must be at least 1, got \(options.batchSize)") }
        if let p = options.patience, p < 1 { throw ModelError("training", "patience must be at least 1, got \(p)") }
        self.model = model
        self.objective = objective
        self.optimizer = optimizer
        self.options = options
        self.cancel = cancel
    }

    /// Registers an extension, run with its own trigger unless given one here.
    public func extend(_ e: any TrainerExtension, trigger: Trigger? = nil) {
        extensions.append((e, trigger ?? e.trigger))
    }

    public func fit(_ train: Events, validation: Events? = nil, rng: RandomSource) throws -> History {
        try Self.checkRange(train, of: model, "training")
        model.observe(train)
        self.train = train
        let run = try FitRun(self, train: train, rng: rng)
        defer { run.workers.release() }
        // A loss over every user touches every user row each step: one dense gradient for them.
        model.denseUserRows(run.loss.observed != nil)
        defer { model.denseUserRows(false) }
        // The parts run on their own threads: BLAS inside each stays on one.
        let blasThreads = BLAS.threads
        if run.workers.threads > 1 { BLAS.setThreads(1) }
        defer { if run.workers.threads > 1 { BLAS.setThreads(blasThreads) } }
        for e in extensions { try e.extension.start(self, epochs: options.epochs, batches: run.feed.batches) }
        for epoch in 1...options.epochs {
            let start = DispatchTime.now().uptimeNanoseconds
            guard let loss = try run.epoch(epoch) else { break }
            // Ctrl-C while validating ends the fit, not the epoch it trained: that is kept, unvalidated.
            var metrics: RankingMetrics?, stopped = false
            do { metrics = try validate(validation, train: train) } catch is Cancelled { stopped = true }
            let record = EpochRecord(epoch: epoch, loss: loss, validation: metrics,
                                     seconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9, parts: run.parts)
            run.end(record)
            if stopped { run.stopValidating(epoch) }
            for e in extensions where e.trigger.firesAfter(epoch: epoch) { try e.extension.afterEpoch(record, self) }
            if run.history.stop != nil { break }
        }
        var history = run.finish()
        if let validation, !validation.isEmpty { history.validationK = options.k }
        for e in extensions { try e.extension.finish(history, self) }
        return history
    }

    /// Validation ndcg@k (and the other metrics) on held-out events, if there are any.
    func validate(_ validation: Events?, train: Events) throws -> RankingMetrics? {
        guard let validation, !validation.isEmpty else { return nil }
        return try Evaluator.evaluate(model, test: validation, train: train, items: model.items, k: options.k,
                                      threads: options.threads, shouldStop: { self.cancel.isSet }).all
    }

    /// Runs the extensions due after this batch, calling `settle` first when one is (a split
    /// step's update may still be ending on a helper thread: an extension may read the model).
    func afterBatch(_ progress: BatchProgress, settle: () -> Void = {}) throws {
        var settled = false
        for e in extensions where e.trigger.firesAfter(batch: progress.batch, of: progress.batches) {
            if !settled { settle(); settled = true }
            try e.extension.afterBatch(progress, self)
        }
    }

    /// Training events must index the model's users and items.
    static func checkRange(_ events: Events, of model: ScoreModel, _ operation: String) throws {
        guard !events.isEmpty else { throw ModelError(operation, "no training events") }
        for k in 0..<events.count where Int(events.items[k]) >= model.items || Int(events.users[k]) >= model.users {
            throw ModelError(operation, "event \(k) (user \(events.users[k]), item \(events.items[k])) is outside the model's \(model.users) users × \(model.items) items")
        }
    }
}

/// One `fit`: its state from batch to batch and epoch to epoch.
final class FitRun {
    let trainer: Trainer
    let parameters: [Variable]
    let loss: BatchLoss
    /// The parts each batch's gradients are computed in (one unless the loss splits).
    let workers: GradientWorkers
    let rng: RandomSource
    let feed: BatchFeed
    private(set) var history = History()
    /// The parameters after the last completed epoch (at first, as `fit` found them).
    private var lastGood: [Tensor]
    private var stopping: EarlyStopping
    private var watch: DivergenceGuard.Watch
    private var bestLoss = Double.infinity
    private var negatives: [Int32] = []
    /// The epoch's sums of each part of the loss (the preference loss first), in batch order.
    private var partSums: [(name: String, weight: Float?, sum: Double)] = []
    /// The last completed epoch's parts, their means.
    private(set) var parts: [LossPart] = []

    init(_ trainer: Trainer, train: Events, rng: RandomSource) throws {
        self.trainer = trainer
        parameters = trainer.model.parameters
        loss = try BatchLoss(model: trainer.model, objective: trainer.objective, train: train)
        workers = GradientWorkers(parameters: parameters, threads: loss.splits ? trainer.options.threads : 1)
        self.rng = rng
        feed = BatchFeed(train, batchSize: trainer.options.batchSize)
        if workers.threads > 1 { (feed.grouping, feed.parts) = (ItemGrouping(items: trainer.model.items), workers.threads) }
        lastGood = FitRun.snapshot(parameters)
        stopping = EarlyStopping(patience: trainer.options.patience, k: trainer.options.k)
        watch = DivergenceGuard.Watch(trainer.options.divergence)
    }

    /// One epoch of steps; its mean loss, or nil when training stopped during it.
    func epoch(_ epoch: Int) throws -> Double? {
        workers.settle()  // the last step's helper may still be laying out a batch
        feed.shuffle(rng)
        let batches = feed.batches
        var total = 0.0
        partSums = []
        for b in 0..<batches {
            if trainer.cancel.isSet { return stop(.cancelled(epoch: epoch)) }
            workers.awaitPrepared()
            feed.load(b)
            var value = 0.0, diverged = false
            // The step is taken only when the batch's loss is finite and within the guard's limit.
            _ = try step(next: b + 1 < batches ? b + 1 : nil) { batch in
                value = batch.reduce(0) { $0 + $1.total }
                addParts(batch)
                diverged = watch.diverged(value)
                return !diverged
            }
            if diverged {
                return stop(.diverged(epoch: epoch, batch: b + 1, loss: value, limit: watch.limit))
            }
            total += value
            try trainer.afterBatch(BatchProgress(epoch: epoch, epochs: trainer.options.epochs, batch: b + 1, batches: batches,
                                                 batchSize: feed.batchSize, meanLoss: total / Double(b + 1)), settle: workers.settle)
        }
        workers.settle()  // the last step's update may still be ending: validation reads the model
        parts = partSums.map { LossPart(name: $0.name, loss: $0.sum / Double(batches), weight: $0.weight.map(Double.init)) }
        return total / Double(batches)
    }

    /// The current batch's step: its gradients and losses (one entry per part of the batch, the
    /// whole batch on one thread, each weighted by its share of it), then the optimizer's step
    /// when `proceed` accepts the losses. Batch `next` is laid out meanwhile on a helper
    /// thread when the batch is split (it draws nothing from `rng`: the same numbers).
    private func step(next: Int?, proceed: ([WeightedLosses]) throws -> Bool) throws -> [WeightedLosses] {
        let items = feed.items, positives = feed.positives, optimizer = trainer.optimizer
        if workers.threads == 1 {
            return try workers.step(examples: items.count, rng: rng, optimizer: optimizer, { _ in
                let batch = try loss(items: items, positives: positives, negatives: &self.negatives, rng: rng)
                try batch.total.backward()
                return try WeightedLosses(batch, weight: 1)
            }, proceed: proceed)
        }
        loss.drawNegatives(examples: items.count, into: &negatives, rng: rng)
        let negatives = self.negatives
        return try workers.step(examples: items.count, rng: rng, optimizer: optimizer, { part in
            let batch = try loss.graph(part: part, items: items, positives: positives, negatives: negatives)
            try batch.total.backward(seed: part.weight)
            return try WeightedLosses(batch, weight: part.weight)
        }, proceed: proceed, prepare: next.map { b in { [feed] in feed.prepare(b) } })
    }

    /// Adds a batch's parts to the epoch's sums (a part a batch lacks adds 0 there).
    private func addParts(_ batch: [WeightedLosses]) {
        for (name, weight, x) in batch.flatMap(\.parts) {
            if let i = partSums.firstIndex(where: { $0.name == name }) {
                partSums[i].sum += x
            } else {
                partSums.append((name, weight, x))
            }
        }
    }

    /// Ends training during an epoch: back to the last good parameters.
    private func stop(_ reason: StopReason) -> Double? {
        workers.settle()
        FitRun.restore(parameters, lastGood)
        history.stop = reason
        return nil
    }

    /// Ctrl-C while `epoch` was validated: the epoch is kept (`end` recorded it), the fit ends.
    func stopValidating(_ epoch: Int) { history.stop = .cancelledValidating(epoch: epoch) }

    /// A completed epoch: recorded, its parameters kept as the last good ones, validation
    /// weighed for early stopping.
    func end(_ record: EpochRecord) {
        history.epochs.append(record)
        lastGood = FitRun.snapshot(parameters)
        bestLoss = Swift.min(bestLoss, record.loss)
        watch.epochEnded(bestLoss: bestLoss)
        if let metrics = record.validation,
           let reason = stopping.observe(epoch: record.epoch, metrics: metrics, parameters: lastGood) {
            history.stop = reason
        }
        history.bestEpoch = stopping.bestEpoch
    }

    /// The history, with the best epoch's parameters restored under early stopping.
    func finish() -> History {
        if let best = stopping.restoring { FitRun.restore(parameters, best) }
        return history
    }

    static func snapshot(_ parameters: [Variable]) -> [Tensor] { parameters.map { $0.value.copy() } }

    static func restore(_ parameters: [Variable], _ values: [Tensor]) {
        for (p, v) in zip(parameters, values) { p.value.pointer.update(from: v.pointer, count: v.count) }
    }
}

/// A batch's (or a part's) losses as numbers, times the part's share of the batch.
struct WeightedLosses {
    let total: Double
    /// The preference loss first, then the auxiliary ones (unweighted by their own weights).
    let parts: [(name: String, weight: Float?, value: Double)]

    init(_ batch: BatchGraph, weight: Float) throws {
        let share = Double(weight)
        total = share * Double(try batch.total.value.item)
        parts = try [(LossPart.preference, nil, share * Double(batch.preference.value.item))]
            + batch.auxiliary.map { ($0.name, $0.weight, share * Double(try $0.loss.value.item)) }
    }
}

/// A flag one thread sets and the training loop reads between batches.
public final class CancelFlag: @unchecked Sendable {
    private let flag = Synchronization.Atomic<Bool>(false)
    public init() {}
    public var isSet: Bool { flag.load(ordering: .relaxed) }
    public func set() { flag.store(true, ordering: .relaxed) }
    public func clear() { flag.store(false, ordering: .relaxed) }
}
