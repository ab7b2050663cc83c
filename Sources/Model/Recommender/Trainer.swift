import Foundation
import Synchronization

/// One epoch's figures.
public struct EpochRecord: Sendable {
    public let epoch: Int
    public let loss: Double
    public let validation: RankingMetrics?
    public let seconds: Double
}

/// What `fit` did: the loss per epoch, validation metrics, and how it ended.
public struct History: Sendable, CustomStringConvertible {
    public var epochs: [EpochRecord] = []
    public var bestEpoch: Int?
    /// Why training ended before its last epoch (early stopping, Ctrl-C, a NaN loss), if it did.
    public var stopReason: String?

    public var losses: [Double] { epochs.map(\.loss) }

    public var description: String {
        var s = "History(\(epochs.count) epochs, loss \(Sparkline.draw(losses))"
        if let last = epochs.last { s += String(format: " %.4f", last.loss) }
        let valid = epochs.compactMap(\.validation)
        if !valid.isEmpty { s += ", valid ndcg " + Sparkline.draw(valid.map(\.ndcg)) + String(format: " best %.4f", valid.map(\.ndcg).max()!) }
        if let b = bestEpoch { s += " at epoch \(b)" }
        if let r = stopReason { s += "; \(r)" }
        return s + ")"
    }
}

/// Eight-level block sparkline of a series.
public enum Sparkline {
    public static func draw(_ values: [Double]) -> String {
        let blocks = Array("▁▂▃▄▅▆▇█")
        guard let lo = values.min(), let hi = values.max() else { return "" }
        return String(values.map { v in
            blocks[Sparkline.level(v, lo: lo, hi: hi)]
        })
    }
}

/// Progress reports from `fit` (the REPL draws a bar; scripts print a line per epoch).
public protocol TrainingObserver: AnyObject {
    func batch(epoch: Int, batch: Int, of total: Int, loss: Double)
    func epoch(_ record: EpochRecord)
}

/// Trains a score model on (item, positive user) events: mini-batches shuffled each epoch,
/// K negative users shared per batch, the objective's loss plus the towers' auxiliary losses,
/// an optimizer step per batch. After each epoch: validation (NDCG@k on held-out events),
/// early stopping with patience (restoring the best parameters), cancellation between
/// batches, and a guard that stops on a NaN/Inf loss with the last good parameters restored.
public final class Trainer {
    public struct Options: Sendable {
        public var epochs = 10
        public var batchSize = 256
        public var patience: Int? = nil
        public var k = 20
        public var seed: UInt64 = 42
        public init() {}
    }

    public let model: ScoreModel
    public let objective: Objective
    public let optimizer: any Optimizer
    public let options: Options
    public weak var observer: (any TrainingObserver)?
    /// Set from another thread (a signal handler) to stop between batches.
    public let cancel: CancelFlag

    public init(model: ScoreModel, objective: Objective, optimizer: any Optimizer, options: Options,
                cancel: CancelFlag = CancelFlag()) throws {
        guard options.epochs >= 1 else { throw ModelError("fit", "epochs must be at least 1, got \(options.epochs)") }
        guard options.batchSize >= 1 else { throw ModelError("fit", "batch must be at least 1, got \(options.batchSize)") }
        if let p = options.patience, p < 1 { throw ModelError("fit", "patience must be at least 1, got \(p)") }
        self.model = model
        self.objective = objective
        self.optimizer = optimizer
        self.options = options
        self.cancel = cancel
    }

    public func fit(_ train: Events, validation: Events? = nil, rng: RandomSource) throws -> History {
        guard !train.isEmpty else { throw ModelError("fit", "no training events") }
        for k in 0..<train.count where Int(train.items[k]) >= model.items || Int(train.users[k]) >= model.users {
            throw ModelError("fit", "event \(k) (user \(train.users[k]), item \(train.items[k])) is outside the model's \(model.users) users × \(model.items) items")
        }
        model.observe(train)
        let parameters = model.parameters
        let sampler = UserSampler(objective.sampler, users: model.users, train: train)
        var history = History()
        var order = Array(0..<train.count)
        var items: [Int32] = [], positives: [Int32] = [], negatives: [Int32] = []
        // Each epoch's shuffled events laid out in sequence: gathering a batch from the
        // shuffled order would miss the cache twice per example on large data.
        var epochItems = train.items, epochUsers = train.users
        var lastGood = snapshot(parameters), best: [Tensor]? = nil, bestScore = -Double.infinity, sinceBest = 0
        let batches = (train.count + options.batchSize - 1) / options.batchSize
        epochs: for epoch in 1...options.epochs {
            let start = DispatchTime.now().uptimeNanoseconds
            rng.shuffle(&order)
            for (k, e) in order.enumerated() { epochItems[k] = train.items[e]; epochUsers[k] = train.users[e] }
            var total = 0.0
            for b in 0..<batches {
                if cancel.isSet {
                    restore(parameters, lastGood)
                    history.stopReason = "stopped by the user during epoch \(epoch) (parameters as after epoch \(epoch - 1))"
                    break epochs
                }
                let range = (b * options.batchSize)..<Swift.min(train.count, (b + 1) * options.batchSize)
                items.removeAll(keepingCapacity: true)
                positives.removeAll(keepingCapacity: true)
                items.append(contentsOf: epochItems[range])
                positives.append(contentsOf: epochUsers[range])
                sampler.draw(objective.negatives, into: &negatives, rng: rng)
                let context = TowerContext(training: true, rng: rng)
                let (pos, neg, auxiliary) = try model.batchScores(items: items, positives: positives, negatives: negatives, context)
                var loss = try objective.loss.evaluate(pos: pos, neg: neg)
                for a in auxiliary { loss = try loss + a }
                let value = Double(try loss.value.item)
                guard value.isFinite else {
                    for p in parameters { p.zeroGrad() }
                    restore(parameters, lastGood)
                    history.stopReason = "the loss became \(value) in epoch \(epoch), batch \(b + 1): stopped with the parameters of the last good epoch (try a smaller learning rate)"
                    break epochs
                }
                try loss.backward()
                optimizer.step(parameters)
                total += value
                observer?.batch(epoch: epoch, batch: b + 1, of: batches, loss: total / Double(b + 1))
            }
            var validationMetrics: RankingMetrics?
            if let validation, !validation.isEmpty {
                let e = try Evaluator.evaluate(model, test: validation, train: train, items: model.items, k: options.k,
                                               shouldStop: { self.cancel.isSet })
                validationMetrics = e.all
            }
            let record = EpochRecord(epoch: epoch, loss: total / Double(batches), validation: validationMetrics,
                                     seconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            history.epochs.append(record)
            observer?.epoch(record)
            lastGood = snapshot(parameters)
            if let m = validationMetrics {
                if m.ndcg > bestScore {
                    bestScore = m.ndcg
                    best = lastGood
                    history.bestEpoch = epoch
                    sinceBest = 0
                } else {
                    sinceBest += 1
                    if let patience = options.patience, sinceBest >= patience {
                        history.stopReason = "early stop after epoch \(epoch): validation ndcg@\(options.k) did not improve for \(patience) epoch\(patience == 1 ? "" : "s")"
                        break epochs
                    }
                }
            }
        }
        if let best, options.patience != nil { restore(parameters, best) }
        return history
    }

    func snapshot(_ parameters: [Variable]) -> [Tensor] { parameters.map { $0.value.copy() } }

    func restore(_ parameters: [Variable], _ values: [Tensor]) {
        for (p, v) in zip(parameters, values) { p.value.pointer.update(from: v.pointer, count: v.count) }
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

extension Trainer {
    /// Checks the whole graph's gradients (towers, bias, objective, auxiliary losses) against
    /// finite differences on one small batch of `events`; the batch, the negatives and the
    /// dropout masks are drawn again from the same seed for every evaluation.
    public static func gradientCheck(model: ScoreModel, objective: Objective, events: Events, batch: Int = 8,
                                     samples: Int = 12, seed: UInt64 = 5) throws -> GradientCheck.Result {
        guard !events.isEmpty else { throw ModelError("gradcheck", "no events") }
        model.observe(events)
        let n = Swift.min(batch, events.count)
        let items = Array(events.items.prefix(n)), positives = Array(events.users.prefix(n))
        let sampler = UserSampler(objective.sampler, users: model.users, train: events)
        return try GradientCheck.run(parameters: model.parameters, samples: samples, epsilon: 1e-2) {
            let rng = RandomSource(seed: seed)
            var negatives: [Int32] = []
            sampler.draw(objective.negatives, into: &negatives, rng: rng)
            let (pos, neg, aux) = try model.batchScores(items: items, positives: positives, negatives: negatives,
                                                        TowerContext(training: true, rng: rng))
            var loss = try objective.loss.evaluate(pos: pos, neg: neg)
            for a in aux { loss = try loss + a }
            return loss
        }
    }
}
