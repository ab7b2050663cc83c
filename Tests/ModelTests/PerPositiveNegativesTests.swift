import XCTest
@testable import Model

/// Negatives drawn for each positive: each example's K users, scored against its own item.
final class PerPositiveNegativesTests: XCTestCase {
    let users = 12, items = 5

    func model() throws -> ScoreModel {
        let rng = RandomSource(seed: 2)
        let item = try DenseTower(EmbeddingTower(axis: .items, count: items, dim: 4, rng: rng), width: 3, activation: .elu, rng: rng)
        let m = try ScoreModel(user: EmbeddingTower(axis: .users, count: users, dim: 3, rng: rng), item: item, users: users, items: items)
        for p in m.parameters { for i in 0..<p.value.count { p.value[flat: i] = Float((i * 5 + p.value.count) % 9) * 0.25 - 1 } }
        return m
    }

    func testEachExampleScoresItsOwnUsers() throws {
        let m = try model()
        let ids: [Int32] = [0, 3, 3], positives: [Int32] = [1, 2, 7], negatives: [Int32] = [4, 5, 0, 11, 6, 2]
        let (pos, neg) = try m.perPositiveScores(items: ids, positives: positives, negatives: negatives,
                                                    TowerContext(training: false, rng: RandomSource(seed: 1)))
        XCTAssertEqual(neg.shape, Shape(3, 2))
        let all = try m.scores(items: ids)  // [3, users], bias included
        for b in 0..<3 {
            XCTAssertEqual(pos.value[flat: b], all[flat: b * users + Int(positives[b])], accuracy: 1e-5)
            for k in 0..<2 { XCTAssertEqual(neg.value[flat: b * 2 + k], all[flat: b * users + Int(negatives[b * 2 + k])], accuracy: 1e-5) }
        }
        XCTAssertThrowsError(try m.perPositiveScores(items: ids, positives: positives, negatives: [1, 2, 3, 4],
                                                     TowerContext(training: false, rng: RandomSource(seed: 1))))
    }

    /// Per positive draws K users for every example (B × K in all), shared draws K for the batch.
    func testDrawsKPerExample() throws {
        let m = try model()
        var train = Events()
        for k in 0..<20 { train.append(user: Int32(k % users), item: Int32(k % items), rating: 5, time: 0) }
        m.observe(train)
        for (perPositive, drawn) in [(false, 4), (true, 12)] {
            let loss = try BatchLoss(model: m, objective: Objective(loss: .bpr, negatives: 4, perPositive: perPositive), train: train)
            var negatives: [Int32] = []
            _ = try loss(items: [0, 1, 2], positives: [0, 1, 2], negatives: &negatives, rng: RandomSource(seed: 3))
            XCTAssertEqual(negatives.count, drawn)
        }
        XCTAssertThrowsError(try Objective(loss: .weightedMSEAllUsers(alpha: 1, negativeWeight: 1), negatives: .allUsers, perPositive: true))
        XCTAssertTrue(try Objective(loss: .bpr, negatives: 4, perPositive: true).description.hasSuffix("per positive"))
    }
}
