import XCTest
@testable import Lang
@testable import Model

/// Sparklines (drawn by Lang since Model has no terminal drawing): every value gets a block,
/// even NaN and ±inf, and a history reads in one line.
final class SparklineTests: XCTestCase {
    func testSparklinesTakeNonFiniteLosses() {
        XCTAssertEqual(Sparkline.draw([1, 2, 3]), "▁▄█")
        XCTAssertEqual(Sparkline.draw([1, .nan, 2]).count, 3)
        XCTAssertEqual(Sparkline.draw([1, .infinity]).count, 2)
        XCTAssertEqual(Sparkline.draw([-.infinity, 1, .nan]).count, 3)
        XCTAssertEqual(Sparkline.draw([2, 2]), "▄▄")
        XCTAssertEqual(Sparkline.draw([]), "")
    }

    /// A fit draws the whole loss curve on every epoch's line: a long one is drawn as bucket
    /// means in a fixed width (unbounded, 30,000 epochs printed 1.3 GB and `:export` hung).
    func testLongSeriesKeepAFixedWidth() {
        let rising = (0..<100_000).map(Double.init)
        let line = Sparkline.draw(rising)
        XCTAssertEqual(line.count, Sparkline.width)
        XCTAssertEqual(line.first, "▁")
        XCTAssertEqual(line.last, "█")
        XCTAssertEqual(Sparkline.draw(Array(repeating: 1, count: Sparkline.width) + [2]).count, Sparkline.width)
        XCTAssertEqual(Sparkline.bucketMeans([1, 3, 5, 7, 9], count: 2), [2, 7])
        XCTAssertEqual(Sparkline.draw([1, .nan] + Array(repeating: 2, count: 99)).count, Sparkline.width)
        var h = History()
        h.epochs = (1...50_000).map { EpochRecord(epoch: $0, loss: 1 / Double($0), validation: nil, seconds: 0) }
        XCTAssertLessThan(Sparkline.summary(h).count, 120)
    }

    func testHistorySummary() {
        var h = History()
        XCTAssertEqual(Sparkline.summary(h), "History(0 epochs, loss )")
        h.epochs = [EpochRecord(epoch: 1, loss: 0.7, validation: nil, seconds: 1), EpochRecord(epoch: 2, loss: 0.5, validation: nil, seconds: 1)]
        h.stop = .cancelled(epoch: 3)
        XCTAssertEqual(Sparkline.summary(h), "History(2 epochs, loss █▁ 0.5000; stopped by the user during epoch 3 (parameters as after epoch 2))")
    }
}
