import XCTest
@testable import Model

/// Word2vec and paragraph vectors ask their monitor (and so Ctrl-C) within an epoch, about
/// every 2·10⁷ multiply-adds, not only when an epoch starts: an epoch with wide vectors or many
/// negatives can take minutes (found by `rec fuzz`: `word2vec(plots, dim: 65536)` did not stop).
final class ProgressPacerTests: XCTestCase {
    /// 400 documents of 50 words: one epoch is about 400 · 50 · 11 · 6 · 100 ≈ 1.3·10⁸ multiply-adds.
    func corpus() throws -> (docs: [[Int32]], vocab: Vocabulary) {
        let words = (0..<50).map { "w\($0)" }
        let rng = RandomSource(seed: 3)
        let docs = (0..<400).map { _ in (0..<50).map { _ in words[rng.below(words.count)] } }
        let vocab = try Vocabulary(documents: docs)
        return (docs.map { vocab.encode($0) }, vocab)
    }

    func options() -> EmbeddingTraining {
        var o = EmbeddingTraining()
        o.dim = 100; o.window = 5; o.negatives = 5; o.epochs = 1; o.sample = 0
        return o
    }

    func testWord2VecAsksItsMonitorWithinAnEpoch() throws {
        let (docs, vocab) = try corpus()
        let all = StoppingMonitor(limit: 1_000)
        _ = try Word2Vec(documents: docs, vocabulary: vocab, options: options(), monitor: all)
        XCTAssertGreaterThanOrEqual(all.reports.count, 4, "\(all.reports)")
        XCTAssertEqual(all.reports, all.reports.sorted())
        XCTAssertThrowsError(try Word2Vec(documents: docs, vocabulary: vocab, options: options(), monitor: StoppingMonitor(limit: 1))) {
            XCTAssertTrue($0 is Cancelled)
        }
    }

    func testParagraphVectorsAskTheirMonitorWithinAnEpoch() throws {
        let (docs, vocab) = try corpus()
        for method in [ParagraphVectors.Method.dbow, .dm] {
            let all = StoppingMonitor(limit: 1_000)
            _ = try ParagraphVectors(documents: docs, vocabulary: vocab, method: method, trainWords: true, options: options(), monitor: all)
            XCTAssertGreaterThanOrEqual(all.reports.count, 3, "\(method): \(all.reports)")
            XCTAssertThrowsError(try ParagraphVectors(documents: docs, vocabulary: vocab, method: method, options: options(),
                                                      monitor: StoppingMonitor(limit: 1))) { XCTAssertTrue($0 is Cancelled) }
        }
    }

    /// The pacer does not change what is trained: the same vectors with and without a monitor.
    func testMonitoringLeavesTheVectorsAlone() throws {
        let (docs, vocab) = try corpus()
        let a = try Word2Vec(documents: docs, vocabulary: vocab, options: options())
        let b = try Word2Vec(documents: docs, vocabulary: vocab, options: options(), monitor: StoppingMonitor(limit: 1_000))
        XCTAssertEqual(Array(UnsafeBufferPointer(start: a.vectors.pointer, count: a.vectors.count)),
                       Array(UnsafeBufferPointer(start: b.vectors.pointer, count: b.vectors.count)))
    }
}
