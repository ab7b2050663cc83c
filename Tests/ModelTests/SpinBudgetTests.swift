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
        // Far past the session's uptime, so that no gate's wait noting contention meanwhile
        // (its `now` is earlier) moves the end of this spell.
        let now = DispatchTime.now().uptimeNanoseconds + 1 << 50
        SpinBudget.noteContention(at: now)
        XCTAssertTrue(SpinBudget.contended(at: now + 1))
        XCTAssertFalse(SpinBudget.contended(at: now + SpinBudget.contendedSpell))
        // An earlier note never shortens a later spell.
        SpinBudget.noteContention(at: now - SpinBudget.contendedSpell)
        XCTAssertTrue(SpinBudget.contended(at: now + SpinBudget.contendedSpell - 1))
    }

    /// A thread's verdict from its preemptions a second over a window: the first call only starts
    /// the window, a window not yet over keeps the last verdict, and a window's count is judged
    /// against the bound (any count is at most a billion a second, and above −1).
    func testBusyComesFromThePreemptionRateOverAWindow() throws {
        #if !os(Linux)
        throw XCTSkip("getrusage(RUSAGE_THREAD) is Linux's")
        #endif
        final class Verdicts: @unchecked Sendable { var list: [Int32] = [] }  // written by one thread, read after it ends
        let verdicts = Verdicts(), done = DispatchSemaphore(value: 0)
        // A thread of its own: its window starts fresh.
        let thread = Thread {
            let t0: UInt64 = 1_000_000_000, second: UInt64 = 1_000_000_000
            verdicts.list.append(rk_thread_contended(t0, second, 0))
            verdicts.list.append(rk_thread_contended(t0 + 1, second, -1))
            verdicts.list.append(rk_thread_contended(t0 + second, second, 1_000_000_000))
            verdicts.list.append(rk_thread_contended(t0 + 2 * second, second, -1))
            verdicts.list.append(rk_thread_contended(t0 + 2 * second + 1, second, 1_000_000_000))
            done.signal()
        }
        thread.start()
        done.wait()
        XCTAssertEqual(verdicts.list, [0, 0, 0, 1, 1])
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
