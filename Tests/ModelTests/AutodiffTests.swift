import XCTest
@testable import Model

/// A finite-difference check for every op with a gradient.
final class AutodiffTests: XCTestCase {
    func testArithmeticWithEveryBroadcast() throws {
        let a = param(4, 3, seed: 1, name: "a")
        let shapes: [[Int]] = [[4, 3], [3], [1, 3], [4], [4, 1], [1], []]
        for (k, dims) in shapes.enumerated() {
            let b = Variable(parameter: try Tensor.normal(Shape(unchecked: dims), rng: RandomSource(seed: UInt64(k + 10))), name: "b\(dims)")
            // keep divisors away from zero
            for i in 0..<b.value.count { b.value[flat: i] = 1.5 + abs(b.value[flat: i]) }
            try assertGradients([a, b]) { try weighted(a + b) }
            try assertGradients([a, b]) { try weighted(a - b) }
            try assertGradients([a, b]) { try weighted(b - a) }
            try assertGradients([a, b]) { try weighted(a * b) }
            try assertGradients([a, b]) { try weighted(a / b) }
            try assertGradients([a, b]) { try weighted(b / (a * a + 1)) }
        }
    }

    func testUnaryAndScalarOps() throws {
        let x = param(5, 4, seed: 2, name: "x")
        try assertGradients([x]) { try weighted(-x) }
        try assertGradients([x]) { try weighted(x * 3 + 1 - 0.5) }
        try assertGradients([x]) { try weighted(2 - x / 4) }
        try assertGradients([x]) { try weighted(x.exp()) }
        try assertGradients([x]) { try weighted((x * x + 0.5).log()) }
        try assertGradients([x]) { try weighted(x.sigmoid()) }
        try assertGradients([x]) { try weighted((x * 20).softplus()) }  // both far tails
        try assertGradients([x]) { try weighted(x.tanh()) }
        try assertGradients([x]) { try weighted(x.elu()) }
        try assertGradients([x]) { try weighted(x.relu()) }
    }

    func testSoftplusIsStable() {
        let x = Variable(Tensor([-100, -1, 0, 1, 100]))
        let y = x.softplus().value.scalars
        XCTAssertEqual(y[0], 0, accuracy: 1e-6)
        XCTAssertEqual(y[2], Float(0.693147), accuracy: 1e-5)
        XCTAssertEqual(y[4], 100, accuracy: 1e-4)
        XCTAssertTrue(y.allSatisfy(\.isFinite))
    }

    func testMatmulAllTransposes() throws {
        for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
            let a = ta ? param(3, 5, seed: 3, name: "a") : param(5, 3, seed: 3, name: "a")
            let b = tb ? param(4, 3, seed: 4, name: "b") : param(3, 4, seed: 4, name: "b")
            try assertGradients([a, b]) { try weighted(Variable.matmul(a, b, transposeA: ta, transposeB: tb)) }
        }
    }

    func testReductions() throws {
        let x = param(3, 4, seed: 5, name: "x")
        try assertGradients([x]) { try (x * x).sum() }
        try assertGradients([x]) { try (x * x).mean() }
        try assertGradients([x]) { try weighted(x.sum(axis: 0)) }
        try assertGradients([x]) { try weighted(x.sum(axis: -1)) }
        try assertGradients([x]) { try weighted(x.mean(axis: 1)) }
        let y = param(2, 3, 4, seed: 6, name: "y")
        try assertGradients([y]) { try weighted(y.mean(axis: 1)) }
    }

    func testSoftmaxAndLogSoftmax() throws {
        let x = param(3, 5, seed: 7, name: "x")
        try assertGradients([x]) { try weighted(x.softmax()) }
        try assertGradients([x]) { try weighted(x.logSoftmax()) }
        let rows = try x.softmax().value.sum(axis: 1).scalars
        for r in rows { XCTAssertEqual(r, 1, accuracy: 1e-5) }
    }

    func testStructuralOps() throws {
        let a = param(4, 3, seed: 8, name: "a"), b = param(4, 2, seed: 9, name: "b")
        try assertGradients([a, b]) { try weighted(Variable.concat([a, b, a])) }
        try assertGradients([a]) { try weighted(a.rows(1..<3)) }
        try assertGradients([a]) { try weighted(a.columns(1..<3)) }
        try assertGradients([a]) { try weighted(a.reshaped(Shape(2, 6))) }
        let c = param(4, 3, seed: 10, name: "c")
        try assertGradients([a, c]) { try weighted(Variable.rowDot(a, c)) }
        try assertGradients([a]) { try weighted(Variable.rowDot(a, a)) }
    }

    func testGatherDenseAndSparse() throws {
        for sparse in [false, true] {
            let table = param(6, 3, seed: 11, name: "table", sparse: sparse)
            let ids: [Int32] = [4, 1, 4, 0, 4]
            try assertGradients([table]) { try weighted(Variable.gather(table, ids)) }
        }
        let table = param(6, 3, seed: 11, sparse: true)
        try weighted(Variable.gather(table, [5, 5, 2])).backward()
        XCTAssertEqual(table.sparseGrad?.touchedRows, [5, 2], "duplicates aggregate into one row")
        XCTAssertNil(table.grad)
        XCTAssertThrowsError(try Variable.gather(table, [6]))
    }

    func testDropout() throws {
        let x = param(50, 8, seed: 12, name: "x")
        try assertGradients([x]) { try weighted(x.dropout(rate: 0.3, rng: RandomSource(seed: 1))) }
        try assertGradients([x]) { try weighted(x.dropout(rate: 0.5, rng: RandomSource(seed: 2), wholeRows: true)) }
        // Whole rows are dropped together and the rest scaled by 1/(1-rate).
        let y = try Variable(Tensor.ones(Shape(200, 4))).dropout(rate: 0.5, rng: RandomSource(seed: 3), wholeRows: true).value
        var dropped = 0
        for r in 0..<200 {
            let row = (0..<4).map { y[r, $0] }
            XCTAssertTrue(row.allSatisfy { $0 == row[0] } && (row[0] == 0 || row[0] == 2))
            if row[0] == 0 { dropped += 1 }
        }
        XCTAssertEqual(Double(dropped), 100, accuracy: 25)
        XCTAssertThrowsError(try x.dropout(rate: 1, rng: RandomSource(seed: 1)))
        // Element-wise: about `rate` of the elements are zero, the rest exactly 1/(1-rate),
        // an odd count included (the last element uses half of a random number).
        for (count, rate) in [(10_001, Float(0.2)), (9_999, 0.7)] {
            let z = try Variable(Tensor.ones(Shape(count))).dropout(rate: rate, rng: RandomSource(seed: 4)).value
            let zeros = (0..<count).filter { z[flat: $0] == 0 }.count
            XCTAssertEqual(Double(zeros) / Double(count), Double(rate), accuracy: 0.02)
            XCTAssertTrue((0..<count).allSatisfy { z[flat: $0] == 0 || z[flat: $0] == 1 / (1 - rate) })
        }
    }

    func testAffineWithEveryActivation() throws {
        let x = param(5, 4, seed: 13, name: "x"), w = param(4, 3, seed: 14, name: "w"), b = param(3, seed: 15, name: "b")
        for act in Activation.allCases {
            try assertGradients([x, w, b]) { try weighted(Variable.affine(x, w, b, activation: act)) }
        }
        try assertGradients([x, w]) { try weighted(Variable.affine(x, w, nil, activation: .elu)) }
        XCTAssertThrowsError(try Variable.affine(x, w, param(4, seed: 1)))
    }

    func testAffineMatchesPrimitives() throws {
        let x = param(5, 4, seed: 16), w = param(4, 3, seed: 17), b = param(3, seed: 18)
        let fused = try Variable.affine(x, w, b, activation: .elu).value
        let composed = try (Variable.matmul(x, w) + b).elu().value
        for i in 0..<fused.count { XCTAssertEqual(fused[flat: i], composed[flat: i], accuracy: 1e-5) }
    }

    func testGradientsAccumulateAndInferenceRecordsNothing() throws {
        let x = param(3, seed: 19)
        try (x * x).sum().backward()
        let once = x.grad!.scalars
        try (x * x).sum().backward()
        XCTAssertEqual(x.grad!.scalars, once.map { 2 * $0 })
        x.zeroGrad()
        XCTAssertNil(x.grad)
        let y = Autodiff.inference { x.exp().sum() }
        XCTAssertFalse(y.requiresGrad)
        XCTAssertThrowsError(try y.backward())
        XCTAssertThrowsError(try x.exp().backward(), "backward needs a scalar")
    }

    func testSharedSubexpressionGetsBothPaths() throws {
        // d/dx of (x·x + exp(x))·x reaches x through several paths.
        let x = param(4, seed: 20, name: "x")
        try assertGradients([x]) { try weighted((x * x + x.exp()) * x) }
    }
}

final class GradientCheckTests: XCTestCase {
    func testCatchesAWrongBackward() throws {
        let x = param(4, seed: 21, name: "x")
        // y = x² with a backward that forgets the factor 2.
        func broken(_ v: Variable) -> Variable {
            let y = v.value.map { $0 * $0 }
            return Variable.record(y, v) { g in v.accumulate(try! g * v.value) }
        }
        let r = try GradientCheck.run(parameters: [x]) { try weighted(broken(x)) }
        XCTAssertGreaterThan(r.maxError, 0.3, r.description)
    }
}
