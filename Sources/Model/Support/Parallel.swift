import Foundation

/// Work spread over threads: tasks handed out in order from one counter, so a worker that
/// gets a slower share (a busy core on a shared machine) takes fewer of them.
enum Parallel {
    /// Calls `body(worker, task)` for every task in 0..<tasks on up to `threads` threads and
    /// returns when all are done. `worker` is in 0..<threads: state indexed by it is touched by
    /// one thread at a time. One thread (or one task) runs on the caller's thread.
    static func run(tasks: Int, threads: Int, _ body: (_ worker: Int, _ task: Int) -> Void) {
        let used = Swift.min(threads, tasks)
        if used <= 1 {
            for task in 0..<tasks { body(0, task) }
            return
        }
        let counter = TaskCounter(tasks)
        // The caller's closure does not outlive this call, and what it shares across workers
        // is its own business (documented above): hand it over as Sendable.
        withoutActuallyEscaping(body) { body in
            let shared = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: used) { worker in
                while let task = counter.next() { shared.value(worker, task) }
            }
        }
    }
}

/// Hands a value to other threads when the caller knows it is used safely (each thread its
/// own slot, the caller waiting for all of them).
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

private final class TaskCounter: @unchecked Sendable {  // the lock guards `taken`
    private let lock = NSLock()
    private var taken = 0
    private let total: Int

    init(_ total: Int) { self.total = total }

    func next() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard taken < total else { return nil }
        taken += 1
        return taken - 1
    }
}
