import XCTest
@testable import Model

final class LossTests: XCTestCase {
    let pos = param(6, seed: 1, name: "pos")
    let neg = param(6, 5, seed: 2, name: "neg")

    func testGradients() throws {
        try assertGradients([pos, neg]) { try RankingLoss.bpr(positive: pos, negative: neg) * 3 }
        try assertGradients([pos, neg]) { try RankingLoss.listwise(positive: pos, negative: neg) * 3 }
        try assertGradients([pos, neg]) { try RankingLoss.weightedMSE(positive: pos, negative: neg, alpha: 5, negativeWeight: 0.1) }
    }

    /// Each fused loss equals the same formula written with primitive ops, value and gradient.
    func testFusedLossesMatchPrimitives() throws {
        let cases: [(Variable, Variable) throws -> (Variable, Variable)] = [
            { p, n in (try RankingLoss.bpr(positive: p, negative: n), try (n - p).softplus().mean()) },
            { p, n in
                let logits = try Variable.concat([p.reshaped(Shape(6, 1)), n])
                return (try RankingLoss.listwise(positive: p, negative: n),
                        try -(logits.logSoftmax().columns(0..<1)).mean())
            },
            { p, n in (try RankingLoss.weightedMSE(positive: p, negative: n, alpha: 5, negativeWeight: 0.1),
                       try ((p - 1) * (p - 1)).mean() * 5 + (n * n).mean() * 0.1) },
        ]
        for make in cases {
            let (fused, composed) = try make(pos, neg)
            XCTAssertEqual(try fused.value.item, try composed.value.item, accuracy: 1e-5)
            for v in [pos, neg] { v.zeroGrad() }
            try fused.backward()
            let gf = [pos.denseGrad.scalars, neg.denseGrad.scalars]
            for v in [pos, neg] { v.zeroGrad() }
            try composed.backward()
            let gc = [pos.denseGrad.scalars, neg.denseGrad.scalars]
            for (a, b) in zip(gf.joined(), gc.joined()) { XCTAssertEqual(a, b, accuracy: 1e-5) }
        }
    }

    func testShapeErrors() {
        XCTAssertThrowsError(try RankingLoss.bpr(positive: neg, negative: pos)) { error in
            XCTAssertTrue("\(error)".contains("[6, 5]") && "\(error)".contains("[6]"), "\(error)")
        }
        XCTAssertThrowsError(try RankingLoss.listwise(positive: param(4, seed: 3), negative: neg))
    }

    func testBPRIsStableForLargeMargins() throws {
        let p = Variable(Tensor([100, -100])), n = Variable(try Tensor(rows: [[-100], [100]]))
        let l = try RankingLoss.bpr(positive: p, negative: n).value.item
        XCTAssertEqual(l, 100, accuracy: 1e-3)  // (0 + 200) / 2
        let lw = try RankingLoss.listwise(positive: p, negative: n).value.item
        XCTAssertEqual(lw, 100, accuracy: 1e-3)
    }
}
