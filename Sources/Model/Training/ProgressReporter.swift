import Foundation

/// Reports how `fit` is going as figures, for a front end to draw (a bar, a line per epoch):
/// every few batches the running loss, the rate and the time left; each finished epoch.
public final class ProgressReporter: TrainerExtension {
    public struct Report: Sendable {
        public let progress: BatchProgress
        public let examplesPerSecond: Double
        public let secondsLeft: Double
    }

    public let trigger: Trigger
    private let onBatch: (Report) -> Void
    private let onEpoch: (EpochRecord) -> Void
    private var started: UInt64 = 0

    public init(everyBatches: Int = 16, onBatch: @escaping (Report) -> Void, onEpoch: @escaping (EpochRecord) -> Void) {
        trigger = Trigger(batches: everyBatches, epochs: 1)
        self.onBatch = onBatch
        self.onEpoch = onEpoch
    }

    public func start(_ trainer: Trainer, epochs: Int, batches: Int) {
        started = DispatchTime.now().uptimeNanoseconds
    }

    public func afterBatch(_ progress: BatchProgress, _ trainer: Trainer) {
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        let done = Double(progress.batchesDone), all = Double(progress.epochs * progress.batches)
        onBatch(Report(progress: progress, examplesPerSecond: done * Double(progress.batchSize) / Swift.max(elapsed, 1e-9),
                       secondsLeft: elapsed / done * (all - done)))
    }

    public func afterEpoch(_ record: EpochRecord, _ trainer: Trainer) { onEpoch(record) }
}

/// Saves the model and its optimizer state to one checkpoint file during `fit`: after every
/// `every` epochs, and once more when training ends, so that the file always holds what
/// `fit` would leave if it ended then (the best epoch's parameters under early stopping, the
/// last good epoch's after Ctrl-C or divergence). Each save replaces the file atomically.
public final class CheckpointSaver: TrainerExtension {
    public let path: String
    public let trigger: Trigger
    let userIds: [Int], itemIds: [Int]
    /// Epochs saved so far (after the final save, `finish` counts as one).
    public private(set) var saves = 0

    public init(path: String, every epochs: Int = 1, userIds: [Int] = [], itemIds: [Int] = []) {
        self.path = path
        trigger = .everyEpoch(epochs)
        self.userIds = userIds
        self.itemIds = itemIds
    }

    public func afterEpoch(_ record: EpochRecord, _ trainer: Trainer) throws { try save(trainer) }

    public func finish(_ history: History, _ trainer: Trainer) throws {
        guard !history.epochs.isEmpty else { return }  // nothing trained: leave any earlier file alone
        try save(trainer)
    }

    private func save(_ trainer: Trainer) throws {
        try Checkpoint.save(trainer.model, optimizer: trainer.optimizer, to: path, userIds: userIds, itemIds: itemIds,
                            vocabulary: trainer.model.vocabulary?.words, train: trainer.train)
        saves += 1
    }
}
