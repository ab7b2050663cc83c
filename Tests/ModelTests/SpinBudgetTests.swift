import XCTest
import CKernels
@testable import Model

/// How long a gate's waiter spins: learned from its waits, backed off on a busy machine.
final class SpinBudgetTests: XCTestCase {
    func testAWaitJustPastTheSpinLengthensTheNextSpin() {
        let s = SpinBudget.shortest
        XCTAssertEqual(SpinBudget.next(after: s, slept: 100_000), 125_000)
        // Never shorter than the spin that was already allowed, never past the longest.
        XCTAssertEqual(SpinBudget.next(after: 300_000, slept: 100_000), 300_000)
        XCTAssertEqual(SpinBudget.next(after: s, slept: 450_000), SpinBudget.longest)
    }

    func testALongWaitGoesBackToTheShortestSpin() {
        XCTAssertEqual(SpinBudget.next(after: SpinBudget.longest, slept: SpinBudget.longest + 1), SpinBudget.shortest)
        XCTAssertEqual(SpinBudget.next(after: SpinBudget.longest, slept: 5_000_000_000), SpinBudget.shortest)
    }

    func testContentionHoldsEveryGateToTheShortestSpinForASpell() {
        let now = DispatchTime.now().uptimeNanoseconds
        SpinBudget.noteContention(at: now)
        XCTAssertTrue(SpinBudget.contended(at: now + 1))
        XCTAssertFalse(SpinBudget.contended(at: now + SpinBudget.contendedSpell))
    }

    /// Linux counts a thread's preemptions (elsewhere −1 keeps every spin short).
    func testThePreemptionCountNeverFalls() throws {
        #if !os(Linux)
        throw XCTSkip("getrusage(RUSAGE_THREAD) is Linux's")
        #endif
        let before = rk_thread_preemptions()
        var x = 0.0
        for i in 0..<200_000 { x += Double(i).squareRoot() }
        XCTAssertGreaterThan(x, 0)
        XCTAssertGreaterThanOrEqual(before, 0)
        XCTAssertGreaterThanOrEqual(rk_thread_preemptions(), before)
    }
}
