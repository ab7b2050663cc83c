import XCTest
@testable import Model

/// A parameter with values drawn away from zero (kinks of ReLU/ELU sit at zero).
func param(_ dims: Int..., seed: UInt64, name: String = "", sparse: Bool = false, awayFromZero: Bool = true) -> Variable {
    let rng = RandomSource(seed: seed)
    // No statement is running, so no Ctrl-C flag is bound: the fill cannot be interrupted.
    let t = try! Tensor.normal(Shape(unchecked: dims), rng: rng)
    if awayFromZero {
        for i in 0..<t.count where abs(t[flat: i]) < 0.1 { t[flat: i] = t[flat: i] < 0 ? -0.3 : 0.3 }
    }
    return Variable(parameter: t, name: name, sparse: sparse)
}

/// A scalar that weighs every element differently, so every gradient entry matters.
func weighted(_ v: Variable, seed: UInt64 = 99) throws -> Variable {
    let w = Variable(try Tensor.normal(v.shape, rng: RandomSource(seed: seed)))
    return try (v * w).sum()
}

func assertGradients(_ params: [Variable], tolerance: Float = 2e-2, epsilon: Float = 1e-2, floor: Float = 1e-2,
                     file: StaticString = #filePath, line: UInt = #line,
                     _ loss: () throws -> Variable) throws {
    let r = try GradientCheck.run(parameters: params, epsilon: epsilon, floor: floor, loss)
    XCTAssertGreaterThan(r.checked, 0, file: file, line: line)
    XCTAssertLessThan(r.maxError, tolerance, r.description, file: file, line: line)
    XCTAssertGreaterThan(r.nonZero, 0, "every checked gradient was zero: " + r.description, file: file, line: line)
}

/// The real data for tests: $REC_DATA when set, else ../shared/data beside the project.
func dataDirectory() throws -> String {
    if let env = ProcessInfo.processInfo.environment["REC_DATA"], !env.isEmpty { return env }
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let dir = root.deletingLastPathComponent().appendingPathComponent("shared/data").path
    guard FileManager.default.fileExists(atPath: dir) else {
        throw XCTSkip("no real data: set REC_DATA or put shared/data beside the project")
    }
    return dir
}

func dataPath(_ relative: String) throws -> String { try dataDirectory() + "/" + relative }

/// Seeded events where each user likes a band of four items after its own index (mod `items`):
/// learnable structure for the trainer's tests.
func bandEvents(seed: UInt64, count: Int, users: Int, items: Int) -> Events {
    let rng = RandomSource(seed: seed)
    var e = Events()
    for _ in 0..<count {
        let u = Int32(rng.below(users))
        e.append(user: u, item: Int32((Int(u) + rng.below(4)) % items), rating: 5, time: 0)
    }
    return e
}

/// Eight epochs of a 30-user, 20-item embedding model on banded events (each user likes three
/// items after its index) with `objective`: a small fit whose loss should fall, seeded throughout.
func fitSmallBand(_ objective: Objective) throws -> History {
    let (users, items) = (30, 20), rng = RandomSource(seed: 3)
    var train = Events()
    for _ in 0..<300 { let u = Int32(rng.below(users)); train.append(user: u, item: Int32((Int(u) + rng.below(3)) % items), rating: 5, time: 0) }
    let model = try ScoreModel(user: EmbeddingTower(axis: .users, count: users, dim: 8, rng: rng),
                               item: EmbeddingTower(axis: .items, count: items, dim: 8, rng: rng), users: users, items: items)
    var o = Trainer.Options()
    o.epochs = 8
    o.batchSize = 32
    return try Trainer(model: model, objective: objective, optimizer: Adagrad(learningRate: 0.1), options: o).fit(train, rng: RandomSource(seed: 4))
}

/// 9 users, 6 items, a user bias and a dense tanh item side over item embeddings, every
/// parameter set to a fixed spread of values, observed on 40 fixed events: for checking a
/// batch loss against its definition from the model's own scores.
func smallDenseModel() throws -> (ScoreModel, Events) {
    let (users, items) = (9, 6), rng = RandomSource(seed: 7)
    var train = Events()
    for k in 0..<40 { train.append(user: Int32((k * 5) % users), item: Int32((k * 7 + k / 9) % items), rating: 5, time: 0) }
    let item = try DenseTower(EmbeddingTower(axis: .items, count: items, dim: 4, rng: rng), width: 3, activation: .tanh, rng: rng)
    let model = try ScoreModel(user: EmbeddingTower(axis: .users, count: users, dim: 3, rng: rng), item: item, users: users, items: items)
    for p in model.parameters { for i in 0..<p.value.count { p.value[flat: i] = Float((i * 7 + p.value.count) % 11) * 0.2 - 1 } }
    model.observe(train)
    return (model, train)
}

/// Whether bits pinned on the project's AMD machines hold here: the AVX-512 or AVX2 path (rk_gemm
/// and the fused kernels give the same bits on both) with OpenBLAS on its Haswell kernels
/// ("Zen" is the same kernels), which run the products rk_gemm does not take. Elsewhere
/// (SSE2, or OpenBLAS's SkylakeX kernels on an Intel AVX-512 machine) those products differ in
/// the last bits and pinned fits are held within a tolerance instead.
var pinnedBitsHoldHere: Bool {
    KernelPath.current != .sse2 && ["haswell", "zen"].contains(BLAS.kernelsName.lowercased())
}
