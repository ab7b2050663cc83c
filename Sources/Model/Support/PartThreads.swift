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

/// A counter one thread waits on until it reaches a target: it spins for a while (`SpinBudget`),
/// then sleeps until `open` wakes it. Only one thread waits on a gate; any number may open it.
final class Gate: @unchecked Sendable {  // atomics and a semaphore only
    private let count = Atomic<Int>(0)
    private let sleeping = Atomic<Bool>(false)
    private let semaphore = DispatchSemaphore(value: 0)
    /// How long the next wait spins, in ns (only the waiting thread reads and writes it).
    private let budget = Atomic<UInt64>(SpinBudget.shortest)

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
        let start = DispatchTime.now().uptimeNanoseconds
        let allowed = SpinBudget.contended(at: start) ? SpinBudget.shortest : budget.load(ordering: .relaxed)
        if spin(until: target, from: start, for: allowed) { return }
        defer { budget.store(SpinBudget.afterSleeping(spun: allowed, from: start), ordering: .relaxed) }
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

    /// Whether the count reached `target` within `budget` ns of `start`.
    private func spin(until target: Int, from start: UInt64, for budget: UInt64) -> Bool {
        var tries = 0
        while count.load(ordering: .acquiring) < target {
            tries += 1
            // No sched_yield: on a busy machine it hands the core away for a whole time slice.
            if tries & 255 == 0, DispatchTime.now().uptimeNanoseconds &- start > budget { return false }
        }
        return true
    }
}

/// How long a gate's waiter spins before it sleeps. Sleeping costs a wake-up: a futex call and,
/// under a hypervisor, an interrupt between virtual CPUs, tens of µs each time. Spinning costs
/// a core that on a busy machine another thread (perhaps the very partner being waited for)
/// could have had: at load 5–6, ML-100K BPR on two threads took 0.5–0.6 s a run spinning 20 µs
/// and 1.5–5 s spinning 300 µs. So a gate learns from its waits: one that ended soon after the
/// spin gave up (the partner was running, only later than the spin allowed, as parts with
/// uneven work are) spins that long and a quarter more next time, up to `longest`; one that
/// lasted longer than that (a descheduled partner, or the caller's serial work between steps)
/// goes back to `shortest`. A wait the spin covers changes nothing. Only waiting changes: the
/// numbers a step computes are the same whatever the budget.
///
/// A long spin only pays while the threads have their cores. When a waiter that slept finds
/// itself preempted more than `busyPreemptions` times a second (more runnable threads than
/// cores), every gate spins `shortest` for the next `contendedSpell`: spinning longer there took
/// ML-100K BPR on two threads from 0.65–0.70 s to 2.1–2.3 s with four busy loops beside it. On
/// the Intel machine of session 34 each of two busy threads was preempted 38–39 times a second
/// on an otherwise idle machine and 172–215 times beside four busy loops (a single preemption
/// as the signal kept the spins short nearly all the time). Where the system does not count
/// preemptions every wait stays at `shortest`: a busy machine could not be told from a quiet one.
enum SpinBudget {
    /// Long enough to span the serial part of a training step between two parallel ones.
    static let shortest: UInt64 = 20_000  // ns
    static let longest: UInt64 = 500_000
    static let contendedSpell: UInt64 = 200_000_000
    /// Until when (uptime, ns) every gate spins `shortest`.
    private static let contendedUntil = Atomic<UInt64>(0)

    static let busyPreemptions: Int64 = 100  // a second
    /// The window over which a thread's preemptions are counted.
    static let busyWindow: UInt64 = 20_000_000

    /// The next budget of a gate whose waiter spun `spun` ns from `start`, then slept until now;
    /// notes contention first when this thread is preempted often.
    static func afterSleeping(spun: UInt64, from start: UInt64) -> UInt64 {
        let now = DispatchTime.now().uptimeNanoseconds
        if rk_thread_contended(now, busyWindow, busyPreemptions) != 0 { noteContention(at: now) }
        return contended(at: now) ? shortest : next(after: spun, slept: now &- start)
    }

    /// Holds every gate to `shortest` until `contendedSpell` after `now`, or later if another
    /// thread already said so.
    static func noteContention(at now: UInt64) {
        let until = now + contendedSpell
        var seen = contendedUntil.load(ordering: .relaxed)
        while seen < until {
            let (exchanged, original) = contendedUntil.compareExchange(expected: seen, desired: until, ordering: .relaxed)
            if exchanged { return }
            seen = original
        }
    }
    static func contended(at now: UInt64) -> Bool { now < contendedUntil.load(ordering: .relaxed) }

    /// The budget after a wait that spun `spin` ns and then slept until `slept` ns from its start.
    static func next(after spin: UInt64, slept waited: UInt64) -> UInt64 {
        guard waited <= longest else { return shortest }
        return Swift.min(longest, Swift.max(spin, waited + waited / 4))
    }
}
