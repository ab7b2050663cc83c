/// Something that runs alongside `fit` without changing what it computes: progress reports,
/// checkpoints (after Chainer's trainer extensions). Registered with `Trainer.extend`; its
/// trigger says when `afterBatch` and `afterEpoch` run (`start` and `finish` always run once).
/// Hooks run in the order the extensions were registered; an error thrown by one ends the
/// fit with that error.
public protocol TrainerExtension: AnyObject {
    /// When the hooks run, unless `extend` was given another trigger.
    var trigger: Trigger { get }
    /// Before the first batch.
    func start(_ trainer: Trainer, epochs: Int, batches: Int) throws
    /// After a batch's step, when the trigger's batch interval says so.
    func afterBatch(_ progress: BatchProgress, _ trainer: Trainer) throws
    /// After an epoch (and its validation), when the trigger's epoch interval says so.
    func afterEpoch(_ record: EpochRecord, _ trainer: Trainer) throws
    /// Once training has ended, however it ended, with the parameters it leaves (the best
    /// epoch's under early stopping).
    func finish(_ history: History, _ trainer: Trainer) throws
}

extension TrainerExtension {
    public func start(_ trainer: Trainer, epochs: Int, batches: Int) throws {}
    public func afterBatch(_ progress: BatchProgress, _ trainer: Trainer) throws {}
    public func afterEpoch(_ record: EpochRecord, _ trainer: Trainer) throws {}
    public func finish(_ history: History, _ trainer: Trainer) throws {}
}

/// When an extension's hooks run: every `batches` batches of an epoch (and after its last
/// batch), every `epochs` epochs; nil: never.
public struct Trigger: Sendable, Equatable {
    public var batches: Int?
    public var epochs: Int?

    public init(batches: Int? = nil, epochs: Int? = nil) {
        self.batches = batches.map { Swift.max(1, $0) }
        self.epochs = epochs.map { Swift.max(1, $0) }
    }

    public static func everyEpoch(_ n: Int = 1) -> Trigger { Trigger(epochs: n) }

    func firesAfter(batch: Int, of total: Int) -> Bool {
        guard let n = batches else { return false }
        return batch % n == 0 || batch == total
    }

    func firesAfter(epoch: Int) -> Bool {
        guard let n = epochs else { return false }
        return epoch % n == 0
    }
}

/// Where an epoch has got to, after a batch's step.
public struct BatchProgress: Sendable {
    public let epoch: Int, epochs: Int
    /// 1-based, of `batches` in the epoch.
    public let batch: Int, batches: Int
    public let batchSize: Int
    /// The mean loss of the epoch's batches so far.
    public let meanLoss: Double

    /// Batches done since the start of `fit`.
    public var batchesDone: Int { (epoch - 1) * batches + batch }
    public var fractionOfEpoch: Double { Double(batch) / Double(batches) }
    public var fractionOfFit: Double { Double(batchesDone) / Double(epochs * batches) }
}
