import XCTest
import Foundation
@testable import Model

/// The trainer's parts: the divergence guard on finite explosions, extensions and their
/// triggers, progress reports and checkpoints.
final class TrainerPartsTests: XCTestCase {
    let users = 30, items = 20

    func events(seed: UInt64, count: Int = 200) -> Events {
        bandEvents(seed: seed, count: count, users: users, items: items)
    }

    func trainer(seed: UInt64 = 7, epochs: Int, patience: Int? = nil, lr: Float = 0.1,
                 divergence: DivergenceGuard = DivergenceGuard()) throws -> Trainer {
        let rng = RandomSource(seed: seed)
        let model = try ScoreModel(user: EmbeddingTower(axis: .users, count: users, dim: 8, rng: rng),
                                   item: EmbeddingTower(axis: .items, count: items, dim: 8, rng: rng), users: users, items: items)
        var o = Trainer.Options()
        o.epochs = epochs; o.batchSize = 16; o.patience = patience; o.k = 5; o.divergence = divergence
        return try Trainer(model: model, objective: Objective(loss: .bpr, negatives: 4), optimizer: Adagrad(learningRate: lr), options: o)
    }

    func parameters(_ t: Trainer) -> [[Float]] { t.model.parameters.map(\.value.scalars) }

    /// Raises the learning rate after an epoch (a schedule gone wrong), and keeps the
    /// parameters it saw then.
    final class LearningRateJump: TrainerExtension {
        let after: Int, to: Float
        var seen: [[Float]] = []
        init(after: Int, to: Float) { self.after = after; self.to = to }
        var trigger: Trigger { .everyEpoch() }
        func afterEpoch(_ record: EpochRecord, _ trainer: Trainer) {
            guard record.epoch == after else { return }
            seen = trainer.model.parameters.map(\.value.scalars)
            trainer.optimizer.learningRate = to
        }
    }

    /// The scores blow up to ~10⁶ but stay finite: the guard stops at once and leaves the
    /// parameters of the last good epoch; without the explosion limits the loss runs on, finite.
    func testDivergenceGuardStopsAFiniteExplosion() throws {
        let t = try trainer(epochs: 6)
        let jump = LearningRateJump(after: 2, to: 1e4)
        t.extend(jump)
        let h = try t.fit(events(seed: 3), rng: RandomSource(seed: 1))
        XCTAssertEqual(h.epochs.count, 2, "\(h)")
        guard case let .diverged(epoch, batch, loss, limit)? = h.stop else { return XCTFail("\(h)") }
        XCTAssertEqual(epoch, 3)
        XCTAssertEqual(batch, 2, "the first batch after the jump already explodes")
        XCTAssertTrue(loss.isFinite && loss > limit, "\(loss) > \(limit)")
        XCTAssertEqual(limit, 1000, accuracy: 1e-9, "the first loss (bpr: 0.69) is below the floor of 1")
        XCTAssertTrue(h.stopReason!.hasPrefix("the loss became "), h.stopReason!)
        XCTAssertEqual(parameters(t), jump.seen, "epoch 2's parameters are restored")

        // Only NaN/inf stops it: the same training runs its epochs with losses in the millions.
        let unguarded = try trainer(epochs: 4, divergence: DivergenceGuard(growth: .infinity, ceiling: .infinity))
        unguarded.extend(LearningRateJump(after: 2, to: 1e4))
        let u = try unguarded.fit(events(seed: 3), rng: RandomSource(seed: 1))
        XCTAssertEqual(u.losses.count, 4, "\(u)")
        XCTAssertTrue(u.losses.allSatisfy(\.isFinite))
        XCTAssertGreaterThan(u.losses[2], 1e3 * u.losses[1])
    }

    /// A learning rate that is far too large from the start: stopped in the first epoch with
    /// the parameters `fit` was given.
    func testDivergenceInTheFirstEpochRestoresTheStart() throws {
        let t = try trainer(epochs: 3, lr: 1e3)
        let before = parameters(t)
        let h = try t.fit(events(seed: 3), rng: RandomSource(seed: 1))
        XCTAssertTrue(h.epochs.isEmpty)
        guard case let .diverged(epoch, _, loss, _)? = h.stop else { return XCTFail("\(h)") }
        XCTAssertEqual(epoch, 1)
        XCTAssertTrue(loss.isFinite, "a finite explosion, caught before it became inf: \(loss)")
        XCTAssertEqual(parameters(t), before)
    }

    /// The limit: growth × max(1, |first loss|, |best epoch's loss|), capped by the ceiling.
    func testDivergenceLimit() {
        var w = DivergenceGuard.Watch(DivergenceGuard())
        XCTAssertEqual(w.limit, 1e30)
        XCTAssertFalse(w.diverged(5000))
        XCTAssertEqual(w.limit, 5e6)
        XCTAssertFalse(w.diverged(4e6))
        XCTAssertTrue(w.diverged(6e6))
        w.epochEnded(bestLoss: -2e4)
        XCTAssertEqual(w.limit, 2e7, "a best loss larger in magnitude widens the scale")
        XCTAssertTrue(w.diverged(.nan))
        XCTAssertTrue(w.diverged(-.infinity))
        var small = DivergenceGuard.Watch(DivergenceGuard(growth: 10, ceiling: 1e30))
        XCTAssertFalse(small.diverged(0.001))
        XCTAssertEqual(small.limit, 10, "the floor of 1")
        var capped = DivergenceGuard.Watch(DivergenceGuard(growth: 1e3, ceiling: 1e6))
        XCTAssertFalse(capped.diverged(1e5))
        XCTAssertEqual(capped.limit, 1e6)
        XCTAssertTrue(DivergenceGuard.Watch(DivergenceGuard()).limit > 1e29)
        XCTAssertEqual(StopReason.diverged(epoch: 1, batch: 3, loss: .nan, limit: 1000).description,
                       "the loss became nan in epoch 1, batch 3: stopped with the parameters as they were before the fit (no epoch finished) (try a smaller learning rate)")
    }

    /// Records every hook call.
    final class Recorder: TrainerExtension {
        var calls: [String] = []
        var trigger: Trigger { Trigger(batches: 5, epochs: 2) }
        func start(_ trainer: Trainer, epochs: Int, batches: Int) { calls.append("start \(epochs)×\(batches)") }
        func afterBatch(_ p: BatchProgress, _ trainer: Trainer) { calls.append("batch \(p.epoch).\(p.batch)") }
        func afterEpoch(_ r: EpochRecord, _ trainer: Trainer) { calls.append("epoch \(r.epoch)") }
        func finish(_ h: History, _ trainer: Trainer) { calls.append("finish \(h.epochs.count)") }
    }

    func testTriggersSayWhenHooksRun() throws {
        let t = try trainer(epochs: 3)
        let own = Recorder(), overridden = Recorder()
        t.extend(own)
        t.extend(overridden, trigger: Trigger(epochs: 1))
        _ = try t.fit(events(seed: 3), rng: RandomSource(seed: 1))  // 200 events: 13 batches of 16
        let batches = (1...3).flatMap { e in [5, 10, 13].map { "batch \(e).\($0)" } }
        XCTAssertEqual(own.calls, ["start 3×13"] + batches[0..<6] + ["epoch 2"] + batches[6...] + ["finish 3"])
        XCTAssertEqual(overridden.calls, ["start 3×13", "epoch 1", "epoch 2", "epoch 3", "finish 3"])
    }

    func testExtensionsDoNotChangeTheNumbers() throws {
        let plain = try trainer(epochs: 3).fit(events(seed: 3), rng: RandomSource(seed: 1))
        let t = try trainer(epochs: 3)
        t.extend(Recorder())
        t.extend(ProgressReporter(everyBatches: 1, onBatch: { _ in }, onEpoch: { _ in }))
        XCTAssertEqual(try t.fit(events(seed: 3), rng: RandomSource(seed: 1)).losses, plain.losses)
    }

    final class Failing: TrainerExtension {
        struct Failure: Error {}
        var trigger: Trigger { .everyEpoch() }
        func afterEpoch(_ r: EpochRecord, _ trainer: Trainer) throws { throw Failure() }
    }

    func testAnExtensionsErrorEndsTheFit() throws {
        let t = try trainer(epochs: 3)
        t.extend(Failing())
        XCTAssertThrowsError(try t.fit(events(seed: 3), rng: RandomSource(seed: 1))) { XCTAssertTrue($0 is Failing.Failure) }
    }

    func testProgressReporterGivesTheFigures() throws {
        let t = try trainer(epochs: 2)
        var reports: [ProgressReporter.Report] = [], records: [EpochRecord] = []
        t.extend(ProgressReporter(everyBatches: 4, onBatch: { reports.append($0) }, onEpoch: { records.append($0) }))
        let h = try t.fit(events(seed: 3), validation: events(seed: 4, count: 60), rng: RandomSource(seed: 1))
        XCTAssertEqual(reports.map { "\($0.progress.epoch).\($0.progress.batch)" }, ["1.4", "1.8", "1.12", "1.13", "2.4", "2.8", "2.12", "2.13"])
        XCTAssertEqual(records.map(\.loss), h.losses)
        XCTAssertEqual(records.compactMap(\.validation?.ndcg), h.epochs.compactMap(\.validation?.ndcg))
        for (r, end) in zip(reports.filter { $0.progress.batch == 13 }, h.losses) {
            XCTAssertEqual(r.progress.meanLoss, end, accuracy: 1e-12, "the running mean ends at the epoch's loss")
            XCTAssertEqual(r.progress.fractionOfEpoch, 1)
        }
        XCTAssertEqual(reports.map(\.progress.fractionOfFit), [4, 8, 12, 13, 17, 21, 25, 26].map { Double($0) / 26 })
        XCTAssertTrue(reports.allSatisfy { $0.examplesPerSecond > 0 && $0.secondsLeft >= 0 })
        XCTAssertEqual(reports.last!.secondsLeft, 0)
    }

    /// The checkpoint after `fit` holds what `fit` left: under early stopping, the best epoch.
    func testCheckpointSaverKeepsWhatFitLeaves() throws {
        let path = NSTemporaryDirectory() + "rec-saver-\(UUID().uuidString).ckpt"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let t = try trainer(epochs: 40, patience: 2, lr: 0.5)
        let saver = CheckpointSaver(path: path, userIds: Array(0..<users), itemIds: Array(0..<items))
        var saved: [Int] = []
        t.extend(saver)
        t.extend(ProgressReporter(onBatch: { _ in }, onEpoch: { _ in saved.append(saver.saves) }))
        let h = try t.fit(events(seed: 3), validation: events(seed: 4, count: 60), rng: RandomSource(seed: 1))
        XCTAssertNotNil(h.bestEpoch)
        XCTAssertLessThan(h.bestEpoch!, h.epochs.count, "stopped early, after the best epoch: \(h)")
        XCTAssertEqual(saved, Array(1...h.epochs.count), "saved after every epoch, before later extensions ran")
        XCTAssertEqual(saver.saves, h.epochs.count + 1, "and once more at the end")
        let fresh = try trainer(seed: 99, epochs: 1)
        let loaded = try Checkpoint.load(into: fresh.model, optimizer: fresh.optimizer, from: path)
        XCTAssertEqual(loaded.contents.itemIds, Array(0..<items))
        XCTAssertEqual(loaded.train?.items, events(seed: 3).items, "the training pairs, as fitted state")
        XCTAssertEqual(parameters(fresh), parameters(t), "the best epoch's parameters, as fit left them")

        // Cancelled before any epoch: nothing was trained, no file is written.
        let other = NSTemporaryDirectory() + "rec-saver-\(UUID().uuidString).ckpt"
        let cancelled = try trainer(epochs: 2)
        cancelled.cancel.set()
        cancelled.extend(CheckpointSaver(path: other))
        _ = try cancelled.fit(events(seed: 3), rng: RandomSource(seed: 1))
        XCTAssertFalse(FileManager.default.fileExists(atPath: other))
    }

    /// Presses Ctrl-C (sets the trainer's flag) after the last batch of epoch `epoch`: the
    /// flag is then first seen by that epoch's validation.
    final class StopAfterLastBatch: TrainerExtension {
        let trigger = Trigger(batches: 1)
        let epoch: Int
        init(epoch: Int) { self.epoch = epoch }
        func afterBatch(_ progress: BatchProgress, _ trainer: Trainer) throws {
            if progress.epoch == epoch && progress.batch == progress.batches { trainer.cancel.set() }
        }
    }

    /// Ctrl-C while an epoch is validated ends the fit with that epoch kept (it used to throw
    /// the whole fit away: the history was lost and the model read as never fitted).
    func testCtrlCDuringValidationKeepsTheEpochsTrained() throws {
        let t = try trainer(epochs: 5)
        t.extend(StopAfterLastBatch(epoch: 2))
        let before = parameters(t)
        let history = try t.fit(events(seed: 3), validation: events(seed: 4, count: 60), rng: RandomSource(seed: 1))
        XCTAssertEqual(history.epochs.count, 2)
        XCTAssertNotNil(history.epochs[0].validation)
        XCTAssertNil(history.epochs[1].validation, "epoch 2's validation was stopped")
        XCTAssertEqual(history.stop, .cancelledValidating(epoch: 2))
        XCTAssertNotEqual(parameters(t), before, "the trained epochs are kept")
    }
}
