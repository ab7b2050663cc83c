import XCTest
@testable import Model

/// Training on several threads (`Trainer.Options.threads`, `GradientWorkers`): each batch cut
/// into fixed parts whose gradients add up in part order, so a thread count always gives the
/// same bits; the parts' gradients add up to the whole batch's (a loss over all users too);
/// losses that are not a mean over examples stay on one thread; Ctrl-C still stops a fit. One thread is the serial step, pinned
/// bit for bit in `PinnedFitTests`.
final class ThreadedTrainingTests: XCTestCase {
    let users = 30, items = 20, dim = 6

    func events(seed: UInt64, count: Int) -> Events {
        bandEvents(seed: seed, count: count, users: users, items: items)
    }

    /// Content projected by a dense tower (per-part scratch), item dropout, a paragraph
    /// tower's auxiliary loss, a user bias (sparse), and every kind of parameter gradient.
    func model(seed: UInt64, dropout: Float = 0.2, paragraph: Bool = true, decay: Float = 0) throws -> ScoreModel {
        let rng = RandomSource(seed: seed)
        let content = try Tensor.normal(Shape(items, 10), rng: rng)
        var item: any Tower = try SumTower(DenseTower(ContentTower(content), width: dim, activation: .elu, dropout: dropout,
                                                      decay: decay, rng: rng),
                                           EmbeddingTower(axis: .items, count: items, dim: dim, dropout: dropout, decay: decay, rng: rng))
        if paragraph {
            let docs = (0..<items).map { i in (0..<5).map { "w\((i + $0) % 12)" } }
            let vocab = try Vocabulary(documents: docs)
            item = try SumTower(item, ParagraphTower(sequences: docs.map { vocab.encode($0) }, vocabulary: vocab, dim: dim, weight: 0.5, rng: rng))
        }
        return try ScoreModel(user: EmbeddingTower(axis: .users, count: users, dim: dim, decay: decay, rng: rng), item: item,
                              users: users, items: items)
    }

    func fit(threads: Int, objective: Objective, epochs: Int = 3, batch: Int = 32,
             cancelAfter: Int? = nil) throws -> (History, ScoreModel) {
        let model = try model(seed: 3)
        var o = Trainer.Options()
        o.epochs = epochs; o.batchSize = batch; o.threads = threads
        let cancel = CancelFlag()
        let trainer = try Trainer(model: model, objective: objective, optimizer: Adagrad(learningRate: 0.1), options: o, cancel: cancel)
        if let n = cancelAfter { trainer.extend(CancelAfter(batches: n, flag: cancel)) }
        // 203 events: the last batch is shorter, and cut into unequal parts.
        return (try trainer.fit(events(seed: 5, count: 203), rng: RandomSource(seed: 9)), model)
    }

    /// Sets the cancel flag (as Ctrl-C does) after some batches.
    final class CancelAfter: TrainerExtension {
        let batches: Int, flag: CancelFlag
        private(set) var seen = 0
        init(batches: Int, flag: CancelFlag) { self.batches = batches; self.flag = flag }
        var trigger: Trigger { Trigger(batches: 1) }
        func afterBatch(_ progress: BatchProgress, _ trainer: Trainer) {
            seen += 1
            if seen == batches { flag.set() }
        }
    }

    func bits(_ model: ScoreModel) -> [[UInt32]] { model.parameters.map { $0.value.scalars.map(\.bitPattern) } }

    func testTwoThreadsGiveTheSameBitsEveryRun() throws {
        let objectives = [try Objective(loss: .bpr, negatives: 4),
                          try Objective(loss: .listwise, negatives: 5, sampler: .popular(beta: 0.5)),
                          try Objective(loss: .listwise, negatives: .everyUser),
                          try Objective(loss: .weightedMSE(alpha: 3, negativeWeight: 1), negatives: 3, perPositive: true),
                          try Objective(loss: .weightedMSEAllUsers(alpha: 3, negativeWeight: 1), negatives: .allUsers)]
        for objective in objectives {
            let (h1, m1) = try fit(threads: 2, objective: objective)
            let (h2, m2) = try fit(threads: 2, objective: objective)
            XCTAssertEqual(bits(m1), bits(m2), "\(objective)")
            XCTAssertEqual(h1.losses.map(\.bitPattern), h2.losses.map(\.bitPattern), "\(objective)")
            XCTAssertEqual(h1.epochs.last?.parts.map(\.loss.bitPattern), h2.epochs.last?.parts.map(\.loss.bitPattern))
            XCTAssertEqual(h1.epochs.last?.parts.count, 2, "the word loss is kept apart")
            // The batch really was split: two threads are not the serial numbers...
            let (serial, ms) = try fit(threads: 1, objective: objective)
            XCTAssertNotEqual(bits(m1), bits(ms), "\(objective)")
            // ...but they train the same model: the losses follow the serial ones closely. (A
            // split batch is grouped by item first, so its negatives and dropout masks fall on
            // other examples: another draw of the same training, within 8% here by epoch 3.)
            for (a, b) in zip(h1.losses, serial.losses) { XCTAssertEqual(a, b, accuracy: 0.1 * abs(b), "\(objective)") }
            XCTAssertLessThan(h1.losses.last!, h1.losses.first!, "\(objective)")
        }
    }

    /// Without dropout and auxiliary samples the parts see exactly the batch's numbers: their
    /// gradients, added, are the whole batch's (up to rounding), for every kind of parameter,
    /// weight decay included (shared negatives' rows decayed once, not once per part).
    func testPartsAddUpToTheWholeBatchGradient() throws {
        for (objective, batch) in [(try Objective(loss: .bpr, negatives: 4), 9),
                                   (try Objective(loss: .listwise, negatives: .everyUser), 9),
                                   (try Objective(loss: .listwise, negatives: 3, perPositive: true), 8),
                                   // Every user's row decayed once a batch (each part its slice of the users), not once per part.
                                   (try Objective(loss: .weightedMSEAllUsers(alpha: 3, negativeWeight: 1), negatives: .allUsers), 9),
                                   (try Objective(loss: .binary(.mul, .constant(2), .unary(.mean, .unary(.softplus, .binary(.sub, .negative, .positive)))),
                                                  negatives: 4), 7)] {
            let model = try model(seed: 4, dropout: 0, paragraph: false, decay: 0.3)
            let train = events(seed: 6, count: 40)
            let loss = try BatchLoss(model: model, objective: objective, train: train)
            XCTAssertTrue(loss.splits)
            let items = Array(train.items.prefix(batch)), positives = Array(train.users.prefix(batch))
            var negatives: [Int32] = []
            loss.drawNegatives(examples: batch, into: &negatives, rng: RandomSource(seed: 1))
            var grads: [[[Float]]] = []
            for threads in [1, 2, 3] {
                let workers = GradientWorkers(parameters: model.parameters, threads: threads)
                let values = try workers.run(examples: batch, rng: RandomSource(seed: 2)) { part in
                    let g = try loss.graph(part: part, items: items, positives: positives, negatives: negatives)
                    try g.total.backward(seed: part.weight)
                    return part.weight * (try g.total.value.item)
                }
                XCTAssertEqual(values.count, threads)
                workers.release()
                grads.append(model.parameters.map { $0.denseGrad.scalars })
                for p in model.parameters { p.zeroGrad() }
            }
            for split in grads.dropFirst() {
                for (whole, parts) in zip(grads[0], split) {
                    XCTAssertTrue(whole.contains { $0 != 0 })
                    for (a, b) in zip(whole, parts) { XCTAssertEqual(a, b, accuracy: 1e-5 + 1e-4 * abs(a), "\(objective)") }
                }
            }
        }
    }

    /// The same split step again and again gives the same gradient bits: no part ever writes
    /// where another reads (a product's gradient written straight into the shared parameter,
    /// not into the part's copy, once changed about one step in seven).
    func testRepeatedSplitStepsGiveTheSameGradients() throws {
        let model = try model(seed: 3)
        let train = events(seed: 5, count: 64)
        let loss = try BatchLoss(model: model, objective: try Objective(loss: .bpr, negatives: 4), train: train)
        let items = Array(train.items.prefix(32)), positives = Array(train.users.prefix(32))
        let workers = GradientWorkers(parameters: model.parameters, threads: 2)
        defer { workers.release() }
        var first: [[UInt32]]?
        for _ in 0..<200 {
            var negatives: [Int32] = []
            let rng = RandomSource(seed: 1)
            loss.drawNegatives(examples: 32, into: &negatives, rng: rng)
            _ = try workers.run(examples: 32, rng: rng) { [negatives] part in
                try loss.graph(part: part, items: items, positives: positives, negatives: negatives).total.backward(seed: part.weight)
            }
            let bits = model.parameters.map { $0.denseGrad.scalars.map(\.bitPattern) }
            for p in model.parameters { p.zeroGrad() }
            if first == nil { first = bits }
            XCTAssertEqual(bits, first)
            if bits != first { break }
        }
    }

    /// Two-thread fits pinned to the bits they gave at main 8070813, before the step's tail
    /// was reordered (the next batch prepared on the helper thread, each part's gradients
    /// cleared on its own thread, the update's element ranges cut unevenly): a given thread
    /// count keeps its numbers. AVX-512 path (the default on this project's machines).
    func testTwoThreadFitsGiveTheSameBitsAsBefore() throws {
        let objectives = [try Objective(loss: .bpr, negatives: 4),
                          try Objective(loss: .listwise, negatives: 5, sampler: .popular(beta: 0.5)),
                          try Objective(loss: .weightedMSE(alpha: 3, negativeWeight: 1), negatives: 3, perPositive: true)]
        // Losses then the parameters' digest. As in PinnedFitTests, the SSE2 path (unfused
        // kernels, OpenBLAS products), and OpenBLAS on kernels other than Haswell's, are held to
        // the losses only, here within 1e-4 relative:
        // three epochs at learning rate 0.1 carry its last-bit differences further (wmse's
        // third epoch 2e-5 apart; bpr's and listwise's within 1e-6).
        let pins: [[UInt64]] = [[4613344312311929461, 4612789781991206267, 4612050074375340728, 16887139084529498803],
                                [4615781327046813161, 4614905008440888226, 4614293134328368286, 6038277724052145847],
                                [4616381127389702218, 4613445947804986992, 4612449550680468201, 12155110832361485956]]
        for (objective, pin) in zip(objectives, pins) {
            let (h, m) = try fit(threads: 2, objective: objective)
            var digest: UInt64 = 0xCBF2_9CE4_8422_2325
            for p in m.parameters { for b in p.value.scalars.map(\.bitPattern) { digest = (digest ^ UInt64(b)) &* 0x100_0000_01B3 } }
            guard !pinnedBitsHoldHere else {
                XCTAssertEqual(h.losses.map(\.bitPattern) + [digest], pin, "\(objective)")
                continue
            }
            for (x, y) in zip(h.losses, pin.dropLast().map { Double(bitPattern: $0) }) {
                XCTAssertLessThanOrEqual(abs(x - y), 1e-4 * abs(y), "\(objective) on \(KernelPath.current), OpenBLAS \(BLAS.kernelsName)")
            }
        }
    }

    func testOnlyMeansOverExamplesAreSplit() throws {
        let diff = LossExpression.binary(.sub, .negative, .positive)
        let means: [LossExpression] = [.bpr, .listwise, .weightedMSE(alpha: 1, negativeWeight: 1), .unary(.mean, .unary(.softplus, diff)),
                                       .binary(.add, .bpr, .binary(.mul, .constant(0.5), .unary(.mean, .unary(.sigmoid, diff)))),
                                       .binary(.sub, .unary(.mean, .positive), .constant(1)), .unary(.neg, .unary(.mean, .positive)),
                                       .binary(.div, .listwise, .constant(3))]
        for m in means { XCTAssertTrue(m.isMeanOverExamples, "\(m)") }
        let others: [LossExpression] = [.unary(.sum, .unary(.softplus, diff)), .unary(.log, .unary(.mean, .positive)),
                                        .binary(.mul, .bpr, .listwise), .binary(.add, .bpr, .unary(.sum, .positive)),
                                        .binary(.div, .constant(1), .bpr), .binary(.add, .positive, .unary(.mean, .negative))]
        for o in others { XCTAssertFalse(o.isMeanOverExamples, "\(o)") }
        // A sum over examples trains on one thread whatever is asked: the serial bits.
        let sum = try Objective(loss: .unary(.sum, .unary(.softplus, diff)), negatives: 4)
        XCTAssertEqual(bits(try fit(threads: 2, objective: sum, epochs: 1).1), bits(try fit(threads: 1, objective: sum, epochs: 1).1))
    }

    /// Ctrl-C (the cancel flag) still stops a fit between batches with the last good
    /// epoch's parameters, and the BLAS threads are given back.
    func testCancellingATwoThreadFit() throws {
        let before = BLAS.threads
        let objective = try Objective(loss: .bpr, negatives: 4)
        let (h, m) = try fit(threads: 2, objective: objective, epochs: 5, cancelAfter: 10)
        XCTAssertEqual(h.epochs.count, 1, "7 batches an epoch: stopped during the second")
        XCTAssertTrue(h.stopReason?.contains("stopped by the user") ?? false, "\(h)")
        let (_, oneEpoch) = try fit(threads: 2, objective: objective, epochs: 1)
        XCTAssertEqual(bits(m), bits(oneEpoch), "the first epoch's parameters are restored")
        XCTAssertEqual(BLAS.threads, before)
    }

    /// The parts run on other threads with the caller's Ctrl-C flag and recording mode.
    func testPartsSeeTheCallersTaskLocals() throws {
        let flag = CancelFlag(), p = Variable(parameter: Tensor(zeros: Shape(2)))
        let workers = GradientWorkers(parameters: [p], threads: 2)
        let seen = try Interruption.$flag.withValue(flag) {
            try workers.run(examples: 4, rng: RandomSource(seed: 1)) { part in
                (Interruption.flag === flag, Autodiff.isRecording, CurrentPart.index == part.index)
            }
        }
        XCTAssertEqual(seen.map(\.0), [true, true])
        XCTAssertEqual(seen.map(\.1), [true, true])
        XCTAssertEqual(seen.map(\.2), [true, true])
        XCTAssertEqual(workers.ranges(5), [0..<2, 2..<5])
        XCTAssertEqual(workers.ranges(1), [0..<1])
    }
}
