import XCTest
@testable import Model

/// WARP's rank-weighted hinge and L2 weight decay per layer: values against a direct
/// computation, gradients against finite differences (also through the whole batch loss).
/// (On TrainerTests' generated problem: 30 users who like a band of 20 items.)
extension TrainerTests {
    func testWARPWeighsTheFirstViolationByTheRankItImplies() throws {
        let pos = Variable(parameter: Tensor([1, 0.5, 3]), name: "pos")
        let neg = Variable(parameter: try Tensor(rows: [[0.2, 0.9, 5], [-1, -2, -3], [2.5, 0, 0]]), name: "neg")
        let l = try RankingLoss.warp(positive: pos, negative: neg, margin: 1, users: 11)
        // Row 0: 0.2 > 0 violates at draw 1: rank ⌊10 / 1⌋ = 10; row 1: none; row 2: 2.5 > 2 at draw 1.
        let h10 = (1...10).map { 1 / Double($0) }.reduce(0, +)
        let expected = (h10 * (1 - 1 + 0.2) + h10 * (1 - 3 + 2.5)) / 3
        XCTAssertEqual(Double(try l.value.item), expected, accuracy: 1e-5)
        let second = try RankingLoss.warp(positive: Variable(Tensor([1])), negative: Variable(try Tensor(rows: [[-5, -5, 0.5]])),
                                          margin: 1, users: 11)
        // Third draw: rank ⌊10 / 3⌋ = 3, weight 1 + 1/2 + 1/3.
        XCTAssertEqual(Double(try second.value.item), (1 + 0.5 + 1.0 / 3) * 0.5, accuracy: 1e-5)
        try l.backward()
        XCTAssertEqual(pos.denseGrad.scalars.map { Double($0) }[1], 0)
        XCTAssertEqual(Double(neg.denseGrad[0, 1]), 0, "only the first violation gets gradient")
        XCTAssertThrowsError(try RankingLoss.warp(positive: pos, negative: neg, margin: -1, users: 11))
        XCTAssertThrowsError(try RankingLoss.warp(positive: pos, negative: neg, margin: 1, users: 1))
    }

    func testWARPGradients() throws {
        let pos = param(6, seed: 1, name: "pos"), neg = param(6, 5, seed: 2, name: "neg")
        try assertGradients([pos, neg]) { try RankingLoss.warp(positive: pos, negative: neg, margin: 1, users: 40) * 3 }
    }

    func decayedModel(_ rng: RandomSource, embeddingDecay: Float, denseDecay: Float) throws -> ScoreModel {
        let content = try Tensor.normal(Shape(items, 5), rng: RandomSource(seed: 4))
        let item = try SumTower(EmbeddingTower(axis: .items, count: items, dim: 6, decay: embeddingDecay, rng: rng),
                                DenseTower(ContentTower(content), width: 6, activation: .elu, decay: denseDecay, rng: rng))
        let user = try EmbeddingTower(axis: .users, count: users, dim: 6, decay: embeddingDecay, rng: rng)
        let model = try ScoreModel(user: user, item: item, users: users, items: items)
        for p in model.parameters where p.name.hasSuffix("embedding") {
            for i in 0..<p.value.count { p.value[flat: i] = Float(i % 7) * 0.3 - 0.9 }
        }
        return model
    }

    /// The penalty is λ/2 · Σ ‖row‖² over the batch's rows ÷ B for tables, λ/2 · ‖W‖² for dense weights.
    func testDecayPenaltyValueAndItsLazyGradient() throws {
        let model = try decayedModel(RandomSource(seed: 1), embeddingDecay: 0.5, denseDecay: 0.25)
        let items: [Int32] = [1, 1, 4], users: [Int32] = [2, 7]
        let penalty = try XCTUnwrap(try model.decayPenalty(items: items, users: users))
        func squares(_ v: Variable, _ rows: [Int32]) -> Double {
            var total = 0.0
            for r in rows { for c in 0..<v.shape[1] { let x = Double(v.value[Int(r), c]); total += x * x } }
            return total
        }
        let tables = model.parameters.filter { $0.name.hasSuffix("embedding") }
        let itemTable = try XCTUnwrap(tables.first { $0.name.hasPrefix("items") }), userTable = try XCTUnwrap(tables.first { $0.name.hasPrefix("users") })
        let weight = try XCTUnwrap(model.parameters.first { $0.name.hasPrefix("dense") && $0.rank == 2 })
        let w = weight.value.scalars.map { Double($0) * Double($0) }.reduce(0, +)
        let expected = 0.5 / 2 * (squares(itemTable, items) + squares(userTable, users)) / 3 + 0.25 / 2 * w
        XCTAssertEqual(Double(try penalty.value.item), expected, accuracy: 1e-4)
        try penalty.backward()
        let g = userTable.denseGrad
        XCTAssertNotEqual(g[2, 0], 0)
        XCTAssertEqual((0..<6).map { g[3, $0] }, [Float](repeating: 0, count: 6), "an untouched row is not decayed")
        XCTAssertNil(try decayedModel(RandomSource(seed: 1), embeddingDecay: 0, denseDecay: 0).decayPenalty(items: items, users: users))
        XCTAssertThrowsError(try EmbeddingTower(axis: .items, count: 3, dim: 2, decay: -1, rng: RandomSource(seed: 1)))
        XCTAssertThrowsError(try DenseTower(ContentTower(Tensor.zeros(3, 2)), width: 2, decay: .nan, rng: RandomSource(seed: 1)))
    }

    /// The whole batch loss with decay (and WARP), checked by finite differences; and decay
    /// joins the total only, not the objective's preference part.
    func testWholeBatchGradientsWithDecayAndWARP() throws {
        let model = try decayedModel(RandomSource(seed: 2), embeddingDecay: 0.3, denseDecay: 0.1)
        let objectives = [try Objective(loss: .bpr, negatives: 4), try Objective(loss: .warp(margin: 1), negatives: 4, perPositive: true),
                          try Objective(loss: .weightedMSEAllUsers(alpha: 3, negativeWeight: 1), negatives: .allUsers),
                          try Objective(loss: .listwise, negatives: .everyUser)]
        for objective in objectives {
            let r = try Trainer.gradientCheck(model: model, objective: objective, events: events(seed: 2))
            XCTAssertLessThan(r.maxError, 3e-2, "\(objective): \(r)")
            XCTAssertGreaterThan(r.nonZero, r.checked / 3, "\(objective): \(r)")
        }
        let loss = try BatchLoss(model: model, objective: objectives[0], train: events(seed: 2))
        var negatives: [Int32] = []
        let g = try loss(items: [1, 2], positives: [3, 4], negatives: &negatives, rng: RandomSource(seed: 1))
        XCTAssertGreaterThan(try g.total.value.item, try g.preference.value.item)
    }

    /// Decay shrinks what training learns, and the same seed gives the same numbers.
    func testDecayShrinksTheLearnedTablesDeterministically() throws {
        func fit(_ decay: Float) throws -> Float {
            let model = try decayedModel(RandomSource(seed: 3), embeddingDecay: decay, denseDecay: decay)
            var options = Trainer.Options()
            options.epochs = 3
            options.batchSize = 32
            _ = try Trainer(model: model, objective: Objective(loss: .bpr, negatives: 4), optimizer: Adagrad(learningRate: 0.1),
                            options: options).fit(events(seed: 5), rng: RandomSource(seed: 7))
            return model.parameters.filter { $0.name.hasSuffix("embedding") }.flatMap { $0.value.scalars }.map { $0 * $0 }.reduce(0, +)
        }
        let (plain, decayed) = (try fit(0), try fit(1))
        XCTAssertLessThan(decayed, plain * 0.9)
        XCTAssertEqual(try fit(1), decayed)
    }
}
