import XCTest
@testable import Model

/// The weighted squared error with every user as a negative, by the Gramian trick: the same
/// value as scoring every pair, gradients against finite differences, and training with it.
final class AllUsersWMSETests: XCTestCase {
    // Items 0…2 with their (ascending) training users among 7.
    let excluded = try! ExcludedColumns(starts: [0, 2, 2, 5], columns: [1, 4, 0, 3, 6], limit: 7)
    let groups: [Int32] = [0, 2, 1, 2, 0]

    /// Σ_b Σ_{c not excluded for b} (v_b · u_c + bias_c)², pair by pair, in Double.
    func enumerated(_ v: Tensor, _ u: Tensor, bias: Tensor? = nil, groups: [Int32]? = nil) -> Double {
        let groups = groups ?? self.groups, d = v.shape[1]
        var total = 0.0
        for (r, g) in groups.enumerated() {
            let left = Set(excluded.columns[excluded.starts[Int(g)]..<excluded.starts[Int(g) + 1]])
            for c in 0..<u.shape[0] where !left.contains(Int32(c)) {
                var s = bias.map { Double($0[flat: c]) } ?? 0
                for k in 0..<d { s += Double(v[flat: r * d + k]) * Double(u[flat: c * d + k]) }
                total += s * s
            }
        }
        return total
    }

    func testGramianSquaresEqualEveryPairScored() throws {
        let v = param(5, 4, seed: 1), u = param(7, 4, seed: 2)
        let got = try Variable.gramianSquares(v, u, groups: groups, excluded: excluded).value.item
        let want = enumerated(v.value, u.value)
        XCTAssertEqual(Double(got), want, accuracy: want * 1e-5)
    }

    func testGramianSquaresGradients() throws {
        let v = param(5, 4, seed: 3, name: "v"), u = param(7, 4, seed: 4, name: "u")
        try assertGradients([v, u]) { try Variable.gramianSquares(v, u, groups: groups, excluded: excluded) * 0.1 }
        try assertGradients([u]) { try Variable.gramianSquares(Variable(v.value), u, groups: groups, excluded: excluded) * 0.1 }
    }

    /// With a bias per column, kept apart from u (its rows stay d wide): the same sum as every
    /// pair scored, at a width that runs the vector kernels (16 lanes and a tail) and at one
    /// that does not, and gradients for all three inputs against finite differences.
    func testGramianSquaresWithABias() throws {
        for d in [4, 21] {
            let v = param(5, d, seed: 11, name: "v"), u = param(7, d, seed: 12, name: "u")
            let bias = param(7, 1, seed: 13, name: "bias")
            let got = try Variable.gramianSquares(v, u, bias: bias, groups: groups, excluded: excluded).value.item
            let want = enumerated(v.value, u.value, bias: bias.value)
            XCTAssertEqual(Double(got), want, accuracy: want * 1e-5, "d \(d)")
        }
        let v = param(5, 4, seed: 14, name: "v"), u = param(7, 4, seed: 15, name: "u"), bias = param(7, seed: 16, name: "bias")
        try assertGradients([v, u, bias]) { try Variable.gramianSquares(v, u, bias: bias, groups: groups, excluded: excluded) * 0.1 }
        try assertGradients([bias]) {
            try Variable.gramianSquares(Variable(v.value), Variable(u.value), bias: bias, groups: groups, excluded: excluded) * 0.1
        }
        // Repeated rows are taken once, scaled, and so is their 1 against the bias.
        let repeatedGroups: [Int32] = [0, 2, 0, 2, 1, 0, 1], picks: [Int32] = [0, 1, 0, 2, 3, 0, 0]
        let table = param(4, 4, seed: 17, name: "table")
        let rows = try Variable.gather(table, picks)
        let got = try Variable.gramianSquares(rows, u, bias: bias, groups: repeatedGroups, excluded: excluded).value.item
        let want = enumerated(rows.value, u.value, bias: bias.value, groups: repeatedGroups)
        XCTAssertEqual(Double(got), want, accuracy: want * 1e-5)
        try assertGradients([table, u, bias]) {
            try Variable.gramianSquares(Variable.gather(table, picks), u, bias: bias, groups: repeatedGroups, excluded: excluded) * 0.1
        }
        XCTAssertThrowsError(try Variable.gramianSquares(v, u, bias: param(6, seed: 1), groups: groups, excluded: excluded))
    }

    /// Rows that repeat an earlier row of their group bit for bit are taken once, scaled: the
    /// same sum and gradients. Here row 0's copies in group 0 (three rows), a row alike in
    /// another group (not a repeat), and two different rows of one group (not repeats).
    func testRepeatedRowsGiveTheSameSumAndGradients() throws {
        let groups: [Int32] = [0, 2, 0, 2, 1, 0, 1], picks: [Int32] = [0, 1, 0, 2, 3, 0, 0]
        let table = param(4, 4, seed: 7, name: "table"), u = param(7, 4, seed: 8, name: "u")
        let v = try Variable.gather(table, picks)
        let repeated = try XCTUnwrap(RepeatedRows.find(v.value, groups: groups))
        XCTAssertEqual(repeated.kept, [0, 1, 3, 4, 6])
        XCTAssertEqual(repeated.counts, [3, 1, 1, 1, 1])
        let got = try Variable.gramianSquares(v, u, groups: groups, excluded: excluded).value.item
        let want = enumerated(v.value, u.value, groups: groups)
        XCTAssertEqual(Double(got), want, accuracy: want * 1e-5)
        try assertGradients([table, u]) {
            try Variable.gramianSquares(Variable.gather(table, picks), u, groups: groups, excluded: excluded) * 0.1
        }
        // Each row's own gradient is what it gets without the repeats taken once.
        let rows = param(7, 4, seed: 9, name: "rows")
        for i in 0..<7 { for k in 0..<4 { rows.value[flat: i * 4 + k] = v.value[flat: i * 4 + k] } }
        try Variable.gramianSquares(rows, u, groups: groups, excluded: excluded).backward()
        let once = rows.denseGrad.scalars
        rows.zeroGrad()
        let single = try (0..<7).map { i -> [Float] in
            let row = param(1, 4, seed: 10, name: "row")
            for k in 0..<4 { row.value[flat: k] = v.value[flat: i * 4 + k] }
            try Variable.gramianSquares(row, u, groups: [groups[i]], excluded: excluded).backward()
            return row.denseGrad.scalars
        }
        for (a, b) in zip(once, single.flatMap { $0 }) { XCTAssertEqual(a, b, accuracy: 1e-5 + 1e-4 * abs(b)) }
        // Nothing repeats: no compaction.
        XCTAssertNil(RepeatedRows.find(v.value, groups: [0, 2, 1, 2, 1, 3, 4]))
    }

    func testLossGradients() throws {
        let pos = param(5, seed: 5, name: "pos"), z = param(1, seed: 6, name: "z")
        try assertGradients([pos, z]) {
            try RankingLoss.weightedMSEAllUsers(positive: pos, unobservedSquares: z.reshaped(.scalar), users: 7, alpha: 3, negativeWeight: 0.5)
        }
    }

    func testBadExcludedColumnsAreRefused() {
        XCTAssertThrowsError(try ExcludedColumns(starts: [0, 2], columns: [3, 1], limit: 7))   // not ascending
        XCTAssertThrowsError(try ExcludedColumns(starts: [0, 1], columns: [7], limit: 7))      // out of range
        XCTAssertThrowsError(try ExcludedColumns(starts: [0, 3], columns: [1, 2], limit: 7))   // offsets
        let v = param(5, 4, seed: 1), u = param(6, 4, seed: 2)
        XCTAssertThrowsError(try Variable.gramianSquares(v, u, groups: groups, excluded: excluded))  // 6 users, not 7
    }

    /// The whole batch loss of a model with a user bias and a dense item side equals the
    /// definition computed from every user's score for each example's item.
    func testBatchLossEqualsTheDefinitionOverEveryPair() throws {
        let (model, train) = try smallDenseModel()
        let users = model.users, rng = RandomSource(seed: 7)
        let objective = try Objective(loss: .weightedMSEAllUsers(alpha: 4, negativeWeight: 1), negatives: .allUsers)
        let batchItems = Array(train.items.prefix(8)), positives = Array(train.users.prefix(8))
        var scratch: [Int32] = []
        let got = try BatchLoss(model: model, objective: objective, train: train)(
            items: batchItems, positives: positives, negatives: &scratch, rng: rng).total.value.item

        let scores = try model.scores(items: batchItems)
        var positive = 0.0, unobserved = 0.0
        for b in 0..<batchItems.count {
            let s = { (u: Int) in Double(scores[flat: b * users + u]) }
            positive += (s(Int(positives[b])) - 1) * (s(Int(positives[b])) - 1)
            let seen = Set((0..<train.count).filter { train.items[$0] == batchItems[b] }.map { Int(train.users[$0]) })
            for u in 0..<users where !seen.contains(u) { unobserved += s(u) * s(u) }
        }
        let want = 4 * positive / 8 + unobserved / Double(8 * users)
        XCTAssertEqual(Double(got), want, accuracy: abs(want) * 1e-5)
    }

    func testAllUsersIsOnlyForTheSquaredError() {
        XCTAssertThrowsError(try Objective(loss: .bpr, negatives: .allUsers)) { e in
            XCTAssertTrue("\(e)".contains("Gramian"), "\(e)")
        }
        XCTAssertThrowsError(try Objective(loss: .binary(.add, .weightedMSEAllUsers(alpha: 1, negativeWeight: 1), .unary(.mean, .negative)),
                                           negatives: .allUsers))
        XCTAssertThrowsError(try Objective(loss: .weightedMSEAllUsers(alpha: 1, negativeWeight: 1), negatives: 4))
        XCTAssertNoThrow(try Objective(loss: .binary(.mul, .constant(2), .weightedMSEAllUsers(alpha: 1, negativeWeight: 1)), negatives: .allUsers))
    }

    /// While a loss over every user trains, the user table is read in place and its rows take
    /// one dense gradient (`denseUserRows`): the same step as its rows gathered and stepped one
    /// by one, and `fit` puts the table back to sparse rows after.
    func testTheUserTableSteppedWholeTakesTheSameStep() throws {
        let objective = try Objective(loss: .weightedMSEAllUsers(alpha: 4, negativeWeight: 1), negatives: .allUsers)
        func step(dense: Bool) throws -> [[Float]] {
            let (model, train) = try smallDenseModel()
            let users = try EmbeddingTower(axis: .users, count: model.users, dim: 3, decay: 0.1, rng: RandomSource(seed: 2))
            let decayed = try ScoreModel(user: users, item: model.item, users: model.users, items: model.items)
            let loss = try BatchLoss(model: decayed, objective: objective, train: train)
            decayed.denseUserRows(dense)
            defer { decayed.denseUserRows(false) }
            var scratch: [Int32] = []
            try loss(items: Array(train.items.prefix(8)), positives: Array(train.users.prefix(8)), negatives: &scratch,
                     rng: RandomSource(seed: 3)).total.backward()
            XCTAssertEqual(users.embedding.table.grad != nil, dense, "a dense gradient only when asked for")
            Adagrad(learningRate: 0.1).step(decayed.parameters)
            return decayed.parameters.map(\.value.scalars)
        }
        for (a, b) in zip(try step(dense: true), try step(dense: false)) {
            XCTAssertEqual(a.count, b.count)
            for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: 1e-6 + 1e-5 * abs(y)) }
        }
        let (model, train) = try smallDenseModel()
        var o = Trainer.Options()
        o.epochs = 1
        o.batchSize = 8
        _ = try Trainer(model: model, objective: objective, optimizer: Adagrad(learningRate: 0.1), options: o).fit(train, rng: RandomSource(seed: 4))
        XCTAssertFalse(try XCTUnwrap(model.user as? EmbeddingTower).embedding.table.rowsDense, "sparse rows again after fit")
    }

    /// Trained over all users, a model learns the band structure: its loss falls, and the same
    /// seed gives the same numbers.
    func testTrainingOverAllUsers() throws {
        let objective = try Objective(loss: .weightedMSEAllUsers(alpha: 5, negativeWeight: 1), negatives: .allUsers)
        let h = try fitSmallBand(objective)
        XCTAssertLessThan(h.losses.last!, h.losses.first! * 0.7, "\(h.losses)")
        XCTAssertEqual(h.losses, try fitSmallBand(objective).losses)
    }
}
