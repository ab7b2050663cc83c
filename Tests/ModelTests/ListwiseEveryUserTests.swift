import XCTest
@testable import Model

/// listwise over every user (the multinomial likelihood of Mult-DAE): the fused loss against its
/// definition and finite differences, the whole batch loss against every user's score, and training.
final class ListwiseEveryUserTests: XCTestCase {
    func testLossEqualsTheDefinitionAndStaysFiniteForLargeScores() throws {
        let pos = param(4, seed: 1), all = param(4, 6, seed: 2)
        for r in 0..<4 { pos.value[flat: r] = all.value[flat: r * 6 + r] }  // the positive is user r
        all.value[flat: 7] = 200                                               // exp(200) overflows a Float
        let got = try RankingLoss.softmaxOverUsers(positive: pos, all: all).value.item
        var want = 0.0
        for r in 0..<4 {
            let row = (0..<6).map { Double(all.value[flat: r * 6 + $0]) }, top = row.max()!
            want += top + Foundation.log(row.map { Foundation.exp($0 - top) }.reduce(0, +)) - Double(pos.value[flat: r])
        }
        XCTAssertTrue(got.isFinite)
        XCTAssertEqual(Double(got), want / 4, accuracy: abs(want / 4) * 1e-5)
    }

    func testLossGradients() throws {
        let pos = param(5, seed: 3, name: "pos"), all = param(5, 7, seed: 4, name: "all")
        try assertGradients([pos, all]) { try RankingLoss.softmaxOverUsers(positive: pos, all: all) }
        XCTAssertThrowsError(try RankingLoss.softmaxOverUsers(positive: param(4, seed: 1), all: all))
    }

    /// A model with a user bias and a dense item side: the batch loss is the mean over examples
    /// of −s(item, positive) + log Σ_u exp s(item, u), from the model's own scores.
    func testBatchLossEqualsTheDefinitionOverEveryUser() throws {
        let (model, train) = try smallDenseModel()
        let users = model.users, rng = RandomSource(seed: 7)
        let objective = try Objective(loss: .listwise, negatives: .everyUser)
        let batchItems = Array(train.items.prefix(8)), positives = Array(train.users.prefix(8))
        var scratch: [Int32] = [5, 5]  // left over from elsewhere: replaced by every user
        let got = try BatchLoss(model: model, objective: objective, train: train)(
            items: batchItems, positives: positives, negatives: &scratch, rng: rng).total.value.item
        XCTAssertEqual(scratch, (0..<Int32(users)).map { $0 })

        let scores = try model.scores(items: batchItems)
        var want = 0.0
        for b in 0..<batchItems.count {
            let row = (0..<users).map { Double(scores[flat: b * users + $0]) }
            want += Foundation.log(row.map { Foundation.exp($0) }.reduce(0, +)) - row[Int(positives[b])]
        }
        XCTAssertEqual(Double(got), want / 8, accuracy: abs(want / 8) * 1e-5)
        XCTAssertEqual(objective.description, "listwise over every user")
        XCTAssertThrowsError(try Objective(loss: .listwise, negatives: .everyUser, perPositive: true))
    }

    /// Training lowers the loss, and the same seed gives the same losses (two threads:
    /// `ThreadedTrainingTests`).
    func testTrainingLowersTheLossDeterministically() throws {
        let objective = try Objective(loss: .listwise, negatives: .everyUser)
        let h = try fitSmallBand(objective)
        XCTAssertLessThan(h.losses.last!, h.losses.first! * 0.8, "\(h.losses)")
        XCTAssertEqual(h.losses, try fitSmallBand(objective).losses)
    }
}
