import XCTest
@testable import Model

/// Bias-free dense layers (`project`) and activations applied to model nodes.
final class ActivationNodeTests: XCTestCase {
    let context = TowerContext(training: false, rng: RandomSource(seed: 1))

    func testBiasFreeDense() throws {
        let rng = RandomSource(seed: 1)
        let dense = try Dense(6, 4, bias: false, rng: rng)
        XCTAssertEqual(dense.description, "Dense(6 → 4, no bias)")
        XCTAssertEqual(dense.parameterCount, 6 * 4)
        let x = param(5, 6, seed: 2, name: "x")
        try assertGradients([x] + dense.parameters) { try weighted(dense(x, ForwardContext(training: false, rng: rng))) }
        // x W exactly: no bias anywhere.
        let y = try dense(x, ForwardContext(training: false, rng: rng)).value
        let want = try x.value.matmul(dense.weight.value)
        for i in 0..<y.count { XCTAssertEqual(y[flat: i], want[flat: i], accuracy: 1e-6) }
    }

    /// elu(dense(x, n)) is the dense layer ending in ELU, on the same parameters; the model
    /// counts and trains those once even when both nodes are used.
    func testActivationOnAPlainDenseNodeIsThatLayerWithTheActivation() throws {
        let rng = RandomSource(seed: 3)
        let content = try ContentTower(Tensor.normal(Shape(7, 5), rng: rng))
        let d = try DenseTower(content, width: 4, rng: rng)
        let folded = ActivationTower.apply(.elu, to: d)
        XCTAssertEqual(folded.description, "Dense(5 → 4, elu)")
        XCTAssertEqual(folded.parameters.map(ObjectIdentifier.init), d.parameters.map(ObjectIdentifier.init))
        let ids: [Int32] = [0, 3, 6]
        let a = try folded.forward(ids, context).value, b = try d.forward(ids, context).elu()
        for i in 0..<a.count { XCTAssertEqual(a[flat: i], b.value[flat: i], accuracy: 1e-6) }
        let both = try SumTower(d, folded)
        XCTAssertEqual(both.parameterCount, 5 * 4 + 4)
        let model = try ScoreModel(user: EmbeddingTower(axis: .users, count: 3, dim: 4, rng: rng), item: both, users: 3, items: 7)
        XCTAssertEqual(model.parameters.count, Set(model.parameters.map(ObjectIdentifier.init)).count)
    }

    /// Other nodes (a dropout dense, a sum) get an activation node of their own.
    func testActivationNodeOnOtherNodes() throws {
        let rng = RandomSource(seed: 4)
        let content = try ContentTower(Tensor.normal(Shape(7, 5), rng: rng), finetune: true)
        let dropped = try DenseTower(content, width: 4, dropout: 0.5, rng: rng)
        let sum = try SumTower(EmbeddingTower(axis: .items, count: 7, dim: 4, rng: rng), dropped)
        // Away from ReLU's kink at zero, where finite differences mislead.
        for p in sum.parameters { for i in 0..<p.value.count { p.value[flat: i] = Float(i % 7) * 0.3 - 0.95 } }
        for (activation, input) in [(Activation.tanh, dropped as any Tower), (.relu, sum), (.sigmoid, sum)] {
            let node = ActivationTower.apply(activation, to: input)
            XCTAssertTrue(node is ActivationTower, "\(node)")
            XCTAssertEqual(node.description, "Activation(\(activation.rawValue), 4)")
            let ids: [Int32] = [1, 2, 2, 5]
            let a = try node.forward(ids, context).value, b = activation.apply(to: try input.forward(ids, context)).value
            for i in 0..<a.count { XCTAssertEqual(a[flat: i], b[flat: i], accuracy: 1e-6) }
            let fixed = { TowerContext(training: true, rng: RandomSource(seed: 9)) }
            try assertGradients(node.parameters) { try weighted(node.forward(ids, fixed())) }
        }
        XCTAssertTrue(ActivationTower.apply(.none, to: sum) === sum)
    }
}
