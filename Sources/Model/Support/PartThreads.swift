import CKernels
import Dispatch
import Foundation
import Synchronization

/// Which part of a split batch the current thread works on (`GradientWorkers`): 0 outside
/// one. Scratch and free lists kept per part are indexed by it. A thread-local, not a task-
/// local: every tensor a part makes or frees reads it (a task-local lookup, with the other
/// bindings a part runs under, cost tens of nanoseconds each time), and a part's body runs
/// on its thread from start to end.
enum CurrentPart {
    static var index: Int { Int(rk_current_part()) }
    /// Runs `body` with this thread's part set to k, then restores it.
    static func with<R>(_ k: Int, _ body: () throws -> R) rethrows -> R {
        let saved = rk_current_part()
        rk_set_current_part(Int64(k))
        defer { rk_set_current_part(saved) }
        return try body()
    }
    /// More parts than this are never made.
    static let limit = 64
}

/// Threads kept for many short parallel steps (a training batch's parts: a few hundred µs
/// each). A step wakes them through a gate they spin on for a while before sleeping, so that
/// back-to-back steps do not pay a sleeping thread's wake-up each time; `Dispatch`'s
/// `concurrentPerform` often ran such short steps all on the caller's thread.
final class PartThreads: @unchecked Sendable {  // `job` is written before the gates open and read after
    /// Helpers beside the caller: the caller runs part 0, helper k part k + 1.
    let helpers: Int
    private let starts: [Gate]
    /// Counts the helpers' bodies, then their tails.
    private let bodiesDone = Gate(), finished = Gate()
    /// Opened once every part of a run has returned: one per helper.
    private let allDone: [Gate]
    /// `waitForAllTails`': helper k's is opened by each other helper reaching that call.
    private let tailsArrived: [Gate]
    /// Counts the helpers reaching `waitForAllTails` (see `waitForTails`).
    private let tailsReachedGate = Gate()
    /// Counts the `meanwhile`s of `barrier` done.
    private let meanwhiles = Gate()
    /// `barrier`'s: the helpers arrive at one gate, each is released through its own.
    private let arrived = Gate()
    private let releases: [Gate]
    /// Barriers passed so far: slot 0 the caller's, slot k helper k's (each touches its own).
    private var barriers: UnsafeMutableBufferPointer<Int>
    /// Helper k's run, in slot k − 1 (its own: `steps` may count the next run meanwhile).
    private var runs: UnsafeMutableBufferPointer<Int>
    private var job: ((Int) -> Void)?, tail: ((Int) -> Void)?
    private var steps = 0
    private let stopping = Atomic<Bool>(false)

    init(parts: Int) {
        helpers = Swift.max(0, parts - 1)
        starts = (0..<helpers).map { _ in Gate() }
        releases = (0..<helpers).map { _ in Gate() }
        allDone = (0..<helpers).map { _ in Gate() }
        tailsArrived = (0..<helpers).map { _ in Gate() }
        barriers = .allocate(capacity: helpers + 1)
        barriers.initialize(repeating: 0)
        runs = .allocate(capacity: Swift.max(1, helpers))
        runs.initialize(repeating: 0)
        for k in 0..<helpers {
            let thread = Thread { [self] in self.serve(k) }
            thread.name = "rec part \(k + 1)"
            thread.start()
        }
    }

    /// Calls `body(k)` for k in 0..<parts, each on its own thread (part 0 on the caller's),
    /// and returns when all have returned. Then each helper k goes on to `tail(k)` (not the
    /// caller) while the caller goes on too: the next `run` or `settle` waits for the tails.
    /// With `ready`, the next `run` calls it instead of waiting for the tails to end: it waits
    /// for what the caller needs of them, and each helper starts its part once its tail ends.
    func run(ready: (() -> Void)? = nil, _ body: (Int) -> Void, tail: ((Int) -> Void)? = nil) {
        if let ready { ready() } else { settle() }
        steps += 1
        self.tail = tail
        withoutActuallyEscaping(body) { body in
            job = body
            for gate in starts { gate.open() }
            body(0)
            bodiesDone.wait(until: steps * helpers)
            job = nil
            for gate in allDone { gate.open() }
        }
    }

    /// Waits until the helpers have finished the last run's tails: what they wrote there is
    /// then the caller's to read.
    func settle() {
        finished.wait(until: steps * helpers)
    }

    /// Whether every helper has reached `waitForAllTails` in the last run's tail (then
    /// `waitForTails` does not wait).
    var tailsReached: Bool { tailsReachedGate.reached(steps * helpers) }

    /// Inside a tail, helper k: waits until every part of the run has returned and every other
    /// helper has reached this call in its own tail (what they did before it is done).
    func waitForAllTails(part k: Int) {
        tailsReachedGate.open()
        for j in 0..<helpers where j != k - 1 { tailsArrived[j].open() }
        let run = runs[k - 1]
        allDone[k - 1].wait(until: run)
        tailsArrived[k - 1].wait(until: run * (helpers - 1))
    }

    /// On the caller's thread: waits until every helper has reached `waitForAllTails` in the
    /// last run's tail (what the tails did before that is then the caller's to read), which
    /// comes before `settle`.
    func waitForTails() {
        tailsReachedGate.wait(until: steps * helpers)
    }

    /// On the caller's thread: waits until `count` `meanwhile`s given to `barrier` are done.
    func waitForMeanwhiles(_ count: Int) {
        meanwhiles.wait(until: count)
    }

    /// Inside `run`'s body, called by every part k: waits until all parts have arrived, then
    /// part 0 runs `serial` alone, then all go on. One hand-off where ending the run and
    /// starting another would take two. A helper that has arrived runs `meanwhile` (work
    /// that needs neither the serial part nor the other parts) before it waits.
    func barrier(part k: Int, meanwhile: (() -> Void)? = nil, serial: () -> Void) {
        barriers[k] += 1
        if k == 0 {
            arrived.wait(until: barriers[0] * helpers)
            serial()
            for gate in releases { gate.open() }
        } else {
            arrived.open()
            if let meanwhile {
                meanwhile()
                meanwhiles.open()
            }
            releases[k - 1].wait(until: barriers[k])
        }
    }

    deinit {
        barriers.deallocate()
        runs.deallocate()
    }

    /// Ends the helpers (they finish the step they are in; none is running between steps).
    func stop() {
        settle()
        stopping.store(true, ordering: .sequentiallyConsistent)
        for gate in starts { gate.open() }
    }

    private func serve(_ k: Int) {
        var step = 0
        while true {
            step += 1
            starts[k].wait(until: step)
            if stopping.load(ordering: .sequentiallyConsistent) { return }
            runs[k] = step
            // Read before the body ends: the caller may set the next run's once it has.
            let tail = self.tail
            job?(k + 1)
            bodiesDone.open()
            tail?(k + 1)
            finished.open()
        }
    }
}

/// A counter one thread waits on until it reaches a target: it spins for about `spinning`
/// nanoseconds, then sleeps until `open` wakes it. Only one
/// thread waits on a gate; any number may open it.
final class Gate: @unchecked Sendable {  // atomics and a semaphore only
    private let count = Atomic<Int>(0)
    private let sleeping = Atomic<Bool>(false)
    private let semaphore = DispatchSemaphore(value: 0)
    /// Long enough to span the serial part of a training step between two parallel ones (a
    /// few µs), short enough that a thread whose partner was descheduled on a busy machine
    /// soon gives its core back (ML-100K, BPR, two threads at load 5–6: 0.5–0.6 s a run with
    /// 20 µs, 1.5–5 s with 300 µs).
    static let spinning: UInt64 = 20_000  // ns

    func open(adding n: Int = 1) {
        count.add(n, ordering: .sequentiallyConsistent)
        if sleeping.exchange(false, ordering: .sequentiallyConsistent) { semaphore.signal() }
    }

    /// Back to a count of 0; only while no thread waits on it, nor will until this returns.
    func reset() {
        count.store(0, ordering: .sequentiallyConsistent)
    }

    /// Whether the count has reached `target` (no waiting).
    func reached(_ target: Int) -> Bool { count.load(ordering: .acquiring) >= target }

    func wait(until target: Int) {
        if spin(until: target) { return }
        while true {
            sleeping.store(true, ordering: .sequentiallyConsistent)
            if count.load(ordering: .sequentiallyConsistent) >= target {
                // An opener that already took the flag signals: take its signal too.
                if !sleeping.exchange(false, ordering: .sequentiallyConsistent) { semaphore.wait() }
                return
            }
            semaphore.wait()
            if count.load(ordering: .sequentiallyConsistent) >= target { return }
        }
    }

    /// Whether the count reached `target` within the spinning time.
    private func spin(until target: Int) -> Bool {
        let start = DispatchTime.now().uptimeNanoseconds
        var tries = 0
        while count.load(ordering: .acquiring) < target {
            tries += 1
            // No sched_yield: on a busy machine it hands the core away for a whole time slice.
            if tries & 255 == 0, DispatchTime.now().uptimeNanoseconds - start > Gate.spinning { return false }
        }
        return true
    }
}
