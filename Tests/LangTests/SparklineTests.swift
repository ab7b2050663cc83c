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

    func testHistorySummary() {
        var h = History()
        XCTAssertEqual(Sparkline.summary(h), "History(0 epochs, loss )")
        h.epochs = [EpochRecord(epoch: 1, loss: 0.7, validation: nil, seconds: 1), EpochRecord(epoch: 2, loss: 0.5, validation: nil, seconds: 1)]
        h.stop = .cancelled(epoch: 3)
        XCTAssertEqual(Sparkline.summary(h), "History(2 epochs, loss █▁ 0.5000; stopped by the user during epoch 3 (parameters as after epoch 2))")
    }
}
