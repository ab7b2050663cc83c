import XCTest
@testable import Model

final class OptimizerTests: XCTestCase {
    func testSGDStep() throws {
        let p = Variable(parameter: Tensor([1, 2]))
        try (p * p).sum().backward()
        SGD(learningRate: 0.1).step([p])
        XCTAssertEqual(p.value.scalars, [0.8, 1.6])
        XCTAssertNil(p.grad, "a step clears the gradient")
    }

    func testAdagradDenseMatchesFormula() throws {
        let p = Variable(parameter: Tensor([1, -2]))
        let opt = Adagrad(learningRate: 0.5)
        try (p * p).sum().backward()   // g = [2, -4]; acc = g²; step = lr·g/|g| = ±0.5
        opt.step([p])
        XCTAssertEqual(p.value[flat: 0], 0.5, accuracy: 1e-6)
        XCTAssertEqual(p.value[flat: 1], -1.5, accuracy: 1e-6)
        try (p * p).sum().backward()   // g = [1, -3]; acc = [5, 25]
        opt.step([p])
        XCTAssertEqual(p.value[flat: 0], 0.5 - 0.5 * 1 / Float(5).squareRoot(), accuracy: 1e-6)
        XCTAssertEqual(p.value[flat: 1], -1.5 + 0.5 * 3 / 5, accuracy: 1e-6)
    }

    /// Sparse Adagrad changes only the touched rows, and those exactly as dense Adagrad would.
    func testSparseAdagradTouchesOnlyUsedRows() throws {
        let start = try Tensor.normal(Shape(8, 3), rng: RandomSource(seed: 1))
        let sparse = Variable(parameter: start.copy(), sparse: true)
        let dense = Variable(parameter: start.copy(), sparse: false)
        let (a, b) = (Adagrad(learningRate: 0.1), Adagrad(learningRate: 0.1))
        for ids in [[Int32]([2, 5, 2]), [5, 7]] {
            try weighted(Variable.gather(sparse, ids)).backward()
            try weighted(Variable.gather(dense, ids)).backward()
            a.step([sparse])
            b.step([dense])
        }
        for r in 0..<8 {
            for c in 0..<3 {
                XCTAssertEqual(sparse.value[r, c], dense.value[r, c], accuracy: 1e-6)
                if ![2, 5, 7].contains(r) { XCTAssertEqual(sparse.value[r, c], start[r, c]) }
            }
        }
        XCTAssertEqual(sparse.sparseGrad?.count, 0)
    }

    func testAdamAndSGDMinimiseAQuadratic() throws {
        for opt in [Adam(learningRate: 0.1), SGD(learningRate: 0.1), Adagrad(learningRate: 0.5)] as [any Optimizer] {
            let p = Variable(parameter: Tensor([3, -2, 1]))
            let target = Variable(Tensor([1, 1, 1]))
            for _ in 0..<300 {
                try ((p - target) * (p - target)).sum().backward()
                opt.step([p])
            }
            for v in p.value.scalars { XCTAssertEqual(v, 1, accuracy: 0.05, "\(opt)") }
        }
    }
}
