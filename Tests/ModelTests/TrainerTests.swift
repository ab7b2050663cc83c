import XCTest
import Foundation
@testable import Model

/// The trainer and every tower on a small generated problem: gradients of whole graphs,
/// determinism, early stopping, cancellation and the NaN guard.
final class TrainerTests: XCTestCase {
    let users = 30, items = 20

    func events(seed: UInt64, count: Int = 200) -> Events {
        bandEvents(seed: seed, count: count, users: users, items: items)
    }

    /// Plots: item i has words from a band of a 12-word vocabulary.
    func plots() throws -> (sequences: [[Int32]], vocab: Vocabulary, weights: SparseMatrix, words: Tensor) {
        let docs = (0..<items).map { i in (0..<5).map { "w\((i + $0) % 12)" } }
        let vocab = try Vocabulary(documents: docs)
        let tfidf = TFIDF(documents: docs, vocabulary: vocab)
        let words = try Tensor.normal(Shape(vocab.count, 6), rng: RandomSource(seed: 9))
        let weights = try ContentVectors.averagingWeights(tfidf.weights, found: [Bool](repeating: true, count: vocab.count))
        return (docs.map { vocab.encode($0) }, vocab, weights, words)
    }

    func itemTowers(_ rng: RandomSource) throws -> [(String, any Tower)] {
        let p = try plots()
        let content = try Tensor.normal(Shape(items, 5), rng: rng)
        let emb = { try EmbeddingTower(axis: .items, count: self.items, dim: 6, dropout: 0.3, rng: rng) }
        return [
            ("embedding", try emb()),
            ("fixed content", try DenseTower(ContentTower(content), width: 6, activation: .elu, rng: rng)),
            ("fine-tuned content", try DenseTower(ContentTower(content, finetune: true), width: 6, activation: .tanh, dropout: 0.2, rng: rng)),
            ("weighted words", try SumTower(emb(), WeightedWordsTower(weights: p.weights, words: p.words, finetune: true))),
            ("paragraph", try ConcatTower([ParagraphTower(sequences: p.sequences, vocabulary: p.vocab, dim: 3, weight: 0.5, rng: rng),
                                           DropoutTower(EmbeddingTower(axis: .items, count: items, dim: 3, rng: rng), rate: 0.2)])),
            ("bias-free projection, ELU", ActivationTower.apply(.elu, to: try DenseTower(ContentTower(content, finetune: true), width: 6, bias: false, rng: rng))),
            ("activation on a sum", ActivationTower.apply(.tanh, to: try SumTower(emb(), DenseTower(ContentTower(content), width: 6, dropout: 0.2, rng: rng)))),
            ("gru", try DenseTower(RecurrentTower(sequences: p.sequences, cell: .gru, hidden: 4,
                                                  words: Embedding(vectors: p.words), rng: rng), width: 6, rng: rng)),
            ("lstm", try DenseTower(RecurrentTower(sequences: p.sequences, cell: .lstm, hidden: 4,
                                                   words: Embedding(vectors: p.words), output: .mean, rng: rng), width: 6, rng: rng)),
        ]
    }

    func testWholeGraphGradientsForEveryTowerAndLoss() throws {
        let rng = RandomSource(seed: 1)
        let losses: [(String, LossExpression)] = [
            ("bpr", .bpr), ("listwise", .listwise), ("wmse", .weightedMSE(alpha: 3, negativeWeight: 1)),
            ("by hand", .unary(.mean, .unary(.softplus, .binary(.sub, .negative, .positive)))),
        ]
        for (name, tower) in try itemTowers(rng) {
            let user = try DenseTower(EmbeddingTower(axis: .users, count: users, dim: 6, rng: rng), width: 6, activation: .elu, rng: rng)
            let model = try ScoreModel(user: user, item: tower, users: users, items: items)
            // Embedding rows start near zero; spread them so that every path carries gradient.
            for p in model.parameters where p.name.hasSuffix("embedding") {
                for i in 0..<p.value.count { p.value[flat: i] = Float(i % 7) * 0.3 - 0.9 }
            }
            let objectives = try losses.map { ($0.0, try Objective(loss: $0.1, negatives: 4)) }
                + [("wmse over all users", try Objective(loss: .weightedMSEAllUsers(alpha: 3, negativeWeight: 1), negatives: .allUsers)),
                   ("listwise over every user", try Objective(loss: .listwise, negatives: .everyUser)),
                   ("bpr per positive", try Objective(loss: .bpr, negatives: 3, perPositive: true))]
            for (lossName, objective) in objectives {
                let r = try Trainer.gradientCheck(model: model, objective: objective, events: events(seed: 2))
                XCTAssertLessThan(r.maxError, 3e-2, "\(name) with \(lossName): \(r)")
                XCTAssertGreaterThan(r.nonZero, r.checked / 3, "\(name) with \(lossName): \(r)")
            }
        }
    }

    /// A dense tower over content projects each distinct id of a batch once and spreads the
    /// rows back: the same values and gradients as projecting every row.
    func testContentProjectionOncePerDistinctId() throws {
        let rng = RandomSource(seed: 5)
        let tower = try DenseTower(ContentTower(try Tensor.normal(Shape(items, 5), rng: rng), finetune: true), width: 4, activation: .elu, rng: rng)
        let ids: [Int32] = [3, 1, 3, 0, 1, 3]
        let context = TowerContext(training: false, rng: rng)
        let deduped = try tower.forward(ids, context)
        let direct = try tower.dense(tower.input.forward(ids, context), context.forward)
        XCTAssertEqual(deduped.shape, direct.shape)
        for i in 0..<direct.value.count { XCTAssertEqual(deduped.value[flat: i], direct.value[flat: i], accuracy: 1e-6) }
        let params = tower.parameters
        try assertGradients(params) { try weighted(tower.forward(ids, context)) }
        XCTAssertThrowsError(try tower.forward([0, 0, Int32(items)], context), "an id out of range is still an error")
    }

    func train(seed: UInt64, epochs: Int = 4, patience: Int? = nil, lr: Float = 0.1,
               cancel: CancelFlag = CancelFlag()) throws -> (History, ScoreModel) {
        let rng = RandomSource(seed: seed)
        let item = try EmbeddingTower(axis: .items, count: items, dim: 8, rng: rng)
        let user = try EmbeddingTower(axis: .users, count: users, dim: 8, rng: rng)
        let model = try ScoreModel(user: user, item: item, users: users, items: items)
        var o = Trainer.Options()
        o.epochs = epochs; o.batchSize = 16; o.patience = patience; o.k = 5
        let trainer = try Trainer(model: model, objective: Objective(loss: .bpr, negatives: 4), optimizer: Adagrad(learningRate: lr),
                                  options: o, cancel: cancel)
        return (try trainer.fit(events(seed: 3), validation: events(seed: 4, count: 60), rng: rng), model)
    }

    /// The history keeps the loss's parts apart: the preference loss, and a paragraph
    /// encoder's word-prediction loss (unweighted), which make the total with its weight.
    func testHistoryKeepsThePreferenceAndWordLossesApart() throws {
        let rng = RandomSource(seed: 6), p = try plots()
        let tower = try ConcatTower([ParagraphTower(sequences: p.sequences, vocabulary: p.vocab, dim: 4, weight: 0.3, rng: rng),
                                     EmbeddingTower(axis: .items, count: items, dim: 4, rng: rng)])
        let model = try ScoreModel(user: EmbeddingTower(axis: .users, count: users, dim: 8, rng: rng), item: tower, users: users, items: items)
        var o = Trainer.Options()
        o.epochs = 3; o.batchSize = 16
        let h = try Trainer(model: model, objective: Objective(loss: .bpr, negatives: 4), optimizer: Adagrad(learningRate: 0.1), options: o)
            .fit(events(seed: 3), rng: rng)
        XCTAssertEqual(h.partNames, [LossPart.preference, AuxiliaryLoss.wordPrediction])
        for r in h.epochs {
            XCTAssertTrue(r.hasAuxiliaryParts)
            XCTAssertEqual(r.parts[0].loss + 0.3 * r.parts[1].loss, r.loss, accuracy: 1e-5 * r.loss)
            XCTAssertEqual(r.parts[1].weight, Double(Float(0.3)))
        }
        XCTAssertLessThan(h.losses(of: LossPart.preference).last!, h.losses(of: LossPart.preference).first!)
        // Without an auxiliary loss the one part is the loss itself.
        let (plain, _) = try train(seed: 7, epochs: 2)
        XCTAssertEqual(plain.partNames, [LossPart.preference])
        XCTAssertEqual(plain.losses(of: LossPart.preference), plain.losses)
        XCTAssertFalse(plain.epochs[0].hasAuxiliaryParts)
    }

    func testSameSeedSameHistory() throws {
        let (a, _) = try train(seed: 7), (b, _) = try train(seed: 7), (c, _) = try train(seed: 8)
        XCTAssertEqual(a.losses, b.losses)
        XCTAssertEqual(a.epochs.map { $0.validation!.ndcg }, b.epochs.map { $0.validation!.ndcg })
        XCTAssertNotEqual(a.losses, c.losses)
        XCTAssertLessThan(a.losses.last!, a.losses.first!)
        XCTAssertTrue(a.description.hasPrefix("History(4 epochs, loss "), a.description)
    }

    func testEarlyStoppingRestoresTheBestEpoch() throws {
        let (h, model) = try train(seed: 7, epochs: 40, patience: 2, lr: 0.5)
        let best = h.bestEpoch!
        XCTAssertNotNil(h.stopReason, "\(h)")
        XCTAssertEqual(h.epochs.count, best + 2)
        // The restored parameters give the best epoch's validation score.
        let e = try Evaluator.evaluate(model, test: events(seed: 4, count: 60), train: events(seed: 3), items: items, k: 5)
        XCTAssertEqual(e.all.ndcg, h.epochs[best - 1].validation!.ndcg, accuracy: 1e-9)
    }

    func testCancellationAndNaNGuard() throws {
        let flag = CancelFlag()
        flag.set()
        let (h, _) = try train(seed: 7, cancel: flag)
        XCTAssertEqual(h.epochs.count, 0)
        XCTAssertTrue(h.stopReason!.contains("stopped by the user"))
        // A learning rate that blows the scores up: the guard stops with finite parameters.
        let (bad, model) = try train(seed: 7, epochs: 30, lr: 1e30)
        XCTAssertTrue(bad.stopReason?.contains("the loss became") ?? false, "\(bad)")
        XCTAssertTrue(model.parameters.allSatisfy { $0.value.isFinite })
    }

    /// A new plot is encoded as the training plots were: an item's own text gives its row.
    func testNewPlotsEncodeLikeTrainingPlots() throws {
        let rng = RandomSource(seed: 3)
        let docs = (0..<items).map { i in (0..<5).map { "w\((i + $0) % 12)" } }
        let vocab = try Vocabulary(documents: docs)
        let tfidf = TFIDF(documents: docs, vocabulary: vocab)
        let text = TextEncoder(vocabulary: vocab, tfidf: tfidf)
        let found = [Bool](repeating: true, count: vocab.count)
        let words = try Tensor.normal(Shape(vocab.count, 6), rng: rng)
        let sequences = docs.map { vocab.encode($0) }
        let context = TowerContext(training: false, rng: rng, absentUnseen: true)
        let plot = docs[4].joined(separator: " ")
        let towers: [any Tower] = [
            try WeightedWordsTower(weights: ContentVectors.averagingWeights(tfidf.weights, found: found), words: words, text: text, found: found),
            try RecurrentTower(sequences: sequences, cell: .gru, hidden: 4, words: Embedding(vectors: words), text: text, rng: rng),
            try RecurrentTower(sequences: sequences, cell: .lstm, hidden: 4, words: Embedding(vectors: words), text: text, rng: rng),
        ]
        for t in towers {
            let known = try t.forward([4], context).value.scalars, new = try t.encodeNew(plot, context).value.scalars
            for (a, b) in zip(known, new) { XCTAssertEqual(a, b, accuracy: 1e-5, "\(t)") }
        }
        let pv = try ParagraphTower(sequences: sequences, vocabulary: vocab, dim: 4, weight: 1, text: text, rng: rng)
        XCTAssertEqual(try pv.encodeNew(plot, context).shape, Shape(1, 4))
        XCTAssertEqual(try pv.encodeNew(plot, context).value.scalars, try pv.encodeNew(plot, context).value.scalars)
        let emb = try EmbeddingTower(axis: .items, count: items, dim: 6, rng: rng)
        XCTAssertEqual(try emb.encodeNew(plot, context).value.maxAbs, 0, "a new item has no embedding")
        XCTAssertThrowsError(try ContentTower(words).encodeNew(plot, context))
    }

    /// Saving and loading restores the model and the optimizer exactly: training goes on
    /// to the same numbers as without the round trip.
    func testCheckpointRestoresExactly() throws {
        func build(_ seed: UInt64) throws -> ScoreModel {
            let rng = RandomSource(seed: seed)
            return try ScoreModel(user: EmbeddingTower(axis: .users, count: users, dim: 8, rng: rng),
                                  item: DenseTower(EmbeddingTower(axis: .items, count: items, dim: 8, rng: rng), width: 8, activation: .elu, rng: rng),
                                  users: users, items: items)
        }
        var o = Trainer.Options()
        o.epochs = 2; o.batchSize = 16
        let objective = try Objective(loss: .bpr, negatives: 4)
        for makeOptimizer in [{ Adagrad(learningRate: 0.1) as any Optimizer }, { Adam(learningRate: 0.01) }] {
            let a = try build(1), optA = makeOptimizer()
            _ = try Trainer(model: a, objective: objective, optimizer: optA, options: o).fit(events(seed: 3), rng: RandomSource(seed: 5))
            let path = NSTemporaryDirectory() + "rec-ckpt-\(UUID().uuidString).rec"
            defer { try? FileManager.default.removeItem(atPath: path) }
            try Checkpoint.save(a, optimizer: optA, to: path, userIds: Array(0..<users), itemIds: Array(0..<items))
            let b = try build(2), optB = makeOptimizer()
            let loaded = try Checkpoint.load(into: b, optimizer: optB, from: path)
            XCTAssertEqual(loaded.contents.itemIds.count, items)
            XCTAssertEqual(try a.scores(items: [0, 1]).scalars, try b.scores(items: [0, 1]).scalars)
            o.epochs = 1
            let ha = try Trainer(model: a, objective: objective, optimizer: optA, options: o).fit(events(seed: 3), rng: RandomSource(seed: 6))
            let hb = try Trainer(model: b, objective: objective, optimizer: optB, options: o).fit(events(seed: 3), rng: RandomSource(seed: 6))
            XCTAssertEqual(ha.losses, hb.losses, "\(optA)")
            o.epochs = 2
            // A model of another shape, or a damaged file, is refused with a clear error.
            let other = try ScoreModel(user: EmbeddingTower(axis: .users, count: users, dim: 4, rng: RandomSource(seed: 1)),
                                       item: EmbeddingTower(axis: .items, count: items, dim: 4, rng: RandomSource(seed: 1)), users: users, items: items)
            XCTAssertThrowsError(try Checkpoint.load(into: other, optimizer: nil, from: path)) { XCTAssertTrue("\($0)".contains("another structure"), "\($0)") }
            let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            try bytes.prefix(bytes.count - 3).write(to: URL(fileURLWithPath: path))
            XCTAssertThrowsError(try Checkpoint.load(into: b, optimizer: nil, from: path)) { XCTAssertTrue("\($0)".contains("data bytes"), "\($0)") }
        }
    }

    /// Ablations score the same trained model with its content or its item embeddings absent.
    func testAblationsSwitchOffOnePart() throws {
        let rng = RandomSource(seed: 4)
        let content = try Tensor.normal(Shape(items, 5), rng: rng)
        let emb = try EmbeddingTower(axis: .items, count: items, dim: 6, rng: rng)
        let model = try ScoreModel(user: EmbeddingTower(axis: .users, count: users, dim: 6, rng: rng),
                                   item: SumTower(emb, DenseTower(ContentTower(content), width: 6, activation: .tanh, rng: rng)),
                                   users: users, items: items)
        var o = Trainer.Options()
        o.epochs = 2
        _ = try Trainer(model: model, objective: Objective(loss: .bpr, negatives: 4), optimizer: Adagrad(learningRate: 0.1), options: o)
            .fit(events(seed: 3), rng: rng)
        let ids: [Int32] = [0, 3, 7]
        let full = try model.scores(items: ids).scalars
        let contentOnly = try ScoreModel.Ablated(model, .contentOnly).scores(items: ids).scalars
        let idOnly = try ScoreModel.Ablated(model, .idOnly).scores(items: ids).scalars
        // By hand: the embedding rows set to zero, then the content rows set to zero.
        let saved = emb.embedding.table.value.copy()
        emb.embedding.table.value.fill(0)
        XCTAssertEqual(try model.scores(items: ids).scalars, contentOnly)
        emb.embedding.table.value.pointer.update(from: saved.pointer, count: saved.count)
        content.fill(0)
        XCTAssertEqual(try model.scores(items: ids).scalars, idOnly)
        XCTAssertNotEqual(full, contentOnly)
        XCTAssertNotEqual(full, idOnly)
    }

    func testObjectiveChecksItsLoss() {
        XCTAssertThrowsError(try Objective(loss: .unary(.softplus, .binary(.sub, .negative, .positive)), negatives: 4)) {
            XCTAssertTrue("\($0)".contains("single value"), "\($0)")
        }
        XCTAssertThrowsError(try Objective(loss: .bpr, negatives: 0))
    }
}
