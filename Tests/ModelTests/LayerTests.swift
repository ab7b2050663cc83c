import XCTest
@testable import Model

final class LayerTests: XCTestCase {
    let training = ForwardContext(training: true, rng: RandomSource(seed: 1))

    /// A context whose dropout masks are the same on every call (for finite differences).
    func fixedTraining() -> ForwardContext { ForwardContext(training: true, rng: RandomSource(seed: 42)) }

    func testDenseGradientsAndDescription() throws {
        let rng = RandomSource(seed: 1)
        let dense = try Dense(6, 4, activation: .elu, dropout: 0.2, rng: rng)
        XCTAssertEqual(dense.description, "Dense(6 → 4, elu, dropout 0.2)")
        XCTAssertEqual(dense.parameterCount, 6 * 4 + 4)
        let x = param(5, 6, seed: 2, name: "x")
        try assertGradients([x] + dense.parameters) { try weighted(dense(x, fixedTraining())) }
        XCTAssertThrowsError(try dense(param(5, 7, seed: 3), training)) { error in
            XCTAssertTrue("\(error)".contains("[5, 7]"), "\(error)")
        }
        XCTAssertThrowsError(try Dense(0, 4, rng: rng))
        XCTAssertThrowsError(try Dense(3, 4, dropout: 1.5, rng: rng))
    }

    func testSequentialAndDropoutLayer() throws {
        let rng = RandomSource(seed: 4)
        let net = Sequential([try Dense(4, 8, activation: .tanh, rng: rng), try Dropout(0.3),
                              try Dense(8, 3, activation: .relu, rng: rng)])
        XCTAssertEqual(net.description, "Sequential(\n  Dense(4 → 8, tanh)\n  Dropout(0.3)\n  Dense(8 → 3, relu)\n)")
        let x = param(6, 4, seed: 5, name: "x")
        try assertGradients([x] + net.parameters) { try weighted(net(x, fixedTraining())) }
        // Without training, dropout is the identity.
        let eval = ForwardContext(training: false, rng: rng)
        XCTAssertEqual(try Dropout(0.5)(x, eval).value.scalars, x.value.scalars)
    }

    func testEmbeddingWithRowDropout() throws {
        let rng = RandomSource(seed: 6)
        let emb = try Embedding(10, 4, dropout: 0.5, rng: rng)
        XCTAssertEqual(emb.description, "Embedding(10 × 4, dropout 0.5 rows)")
        try assertGradients(emb.parameters) { try weighted(emb.forward([1, 3, 3, 9], fixedTraining())) }
        XCTAssertThrowsError(try emb.forward([10], training))
    }

    func sequences() -> SequenceBatch {
        SequenceBatch([[1, 2, 3, 4], [5], [], [2, 2, 7, 1, 6, 3]], maxLength: 5)
    }

    func testSequenceBatchLayout() {
        let b = sequences()
        XCTAssertEqual(b.steps, 5)
        XCTAssertEqual(b.lengths, [4, 1, 0, 5])
        XCTAssertEqual(b.ids(at: 0), [1, 5, 0, 2])
        XCTAssertEqual(b.ids(at: 4), [0, 0, 0, 6])
    }

    func testGRUGradients() throws {
        for output in [RecurrentOutput.last, .mean] {
            let rng = RandomSource(seed: 7)
            let words = try Embedding(8, 3, initScale: 1, rng: rng)
            let gru = try GRU(words: words, hidden: 4, output: output, rng: rng)
            try assertGradients(gru.parameters) { try weighted(gru.forward(sequences(), fixedTraining())) }
        }
    }

    func testLSTMGradients() throws {
        for output in [RecurrentOutput.last, .mean] {
            let rng = RandomSource(seed: 8)
            let words = try Embedding(8, 3, initScale: 1, rng: rng)
            let lstm = try LSTM(words: words, hidden: 4, output: output, rng: rng)
            try assertGradients(lstm.parameters) { try weighted(lstm.forward(sequences(), fixedTraining())) }
        }
    }

    func testRecurrentPaddingDoesNotChangeAnEncoding() throws {
        // A sequence encodes the same alone or padded beside a longer one.
        let rng = RandomSource(seed: 9)
        let gru = try GRU(words: try Embedding(8, 3, initScale: 1, rng: rng), hidden: 4, rng: rng)
        let eval = ForwardContext(training: false, rng: rng)
        let alone = try gru.forward(SequenceBatch([[1, 2]]), eval).value.scalars
        let padded = try gru.forward(SequenceBatch([[1, 2], [3, 4, 5, 6, 7]]), eval).value
        for i in 0..<4 { XCTAssertEqual(alone[i], padded[0, i], accuracy: 1e-6) }
        // An empty sequence encodes as zeros.
        let empty = try gru.forward(SequenceBatch([[]]), eval).value
        XCTAssertEqual(empty.maxAbs, 0)
    }
}
