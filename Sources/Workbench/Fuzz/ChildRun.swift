import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// How children are run: the `rec` binary, its seed, the demo data to copy, and the clock of
/// a hang (no statement finishing for `stall` seconds: Ctrl-C; no answer within `grace`
/// seconds after it: a hang, and SIGKILL).
struct ChildSettings: Sendable {
    var rec: String
    var seed: UInt64
    var demo: String
    var root: String
    var stall: Double
    var grace: Double
    var memoryLimit: Int
    /// Mean seconds between Ctrl-Cs sent at random moments (0: none), to try every place a
    /// statement can be stopped.
    var randomInterrupts: Double = 0
}

/// How a child ended.
enum ChildEnding {
    case finished
    case crashed(signal: Int32, output: [String])
    /// Exited (no signal) before the statements ran out.
    case exited(status: Int32, output: [String])
    case hung(output: [String])
}

/// One `rec` child fed statements (each followed by a marker line) through its stdin and
/// watched: what each statement came to, which ones Ctrl-C stopped, and how the child ended.
struct ChildResult {
    var outcomes: [StatementOutcome]
    var interrupted: [Int]
    var ending: ChildEnding
    /// The statement running when the child crashed or hung (the first without a marker).
    var current: Int
    var seconds: Double
    /// The statements that took longest (index, seconds), slowest first.
    var slowest: [(index: Int, seconds: Double)]
}

enum ChildRun {
    nonisolated(unsafe) static var counter = 0
    static let lock = NSLock()

    static func nonce() -> String {
        lock.lock(); defer { lock.unlock() }
        counter += 1
        return String(counter, radix: 36) + String(UInt32.random(in: 0...UInt32.max), radix: 36)
    }

    static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }

    /// Runs `statements`; random Ctrl-Cs (if any) wait until the first `setup` ones are done.
    static func run(_ statements: [String], _ settings: ChildSettings, setup: Int = 0) throws -> ChildResult {
        let workspace = try FuzzWorkspace.make(root: settings.root, demo: settings.demo)
        defer { FuzzWorkspace.remove(workspace) }
        let nonce = Self.nonce()
        var input: [UInt8] = []
        for (k, s) in statements.enumerated() {
            input += Array((s + "\n" + MarkerScanner.marker(nonce: nonce, k) + "\n").utf8)
        }
        var environment = ProcessInfo.processInfo.environment
        environment["REC_DATA"] = nil
        environment["SWIFT_BACKTRACE"] = "enable=yes,interactive=no,color=no,threads=crashed,registers=none,images=none,timeout=20s"
        let child = try ChildProcess(executable: settings.rec, arguments: ["--data", workspace, "--seed", String(settings.seed)],
                                     directory: workspace, environment: environment, memoryLimit: settings.memoryLimit)
        var watch = Watch(child: child, input: input, scanner: MarkerScanner(nonce: nonce, count: statements.count),
                          settings: settings)
        watch.setup = setup
        let hung = watch.loop()
        watch.slowest.sort { $0.seconds > $1.seconds }
        watch.slowest = Array(watch.slowest.prefix(Watch.keepSlowest))
        let status = child.wait()
        let scanner = watch.scanner
        let ending: ChildEnding
        if hung {
            ending = .hung(output: scanner.tail)
        } else if status & 0x7f != 0 {
            ending = .crashed(signal: status & 0x7f, output: scanner.tail)
        } else if scanner.last + 1 < statements.count {
            // The session ended by itself with statements left: it must go on whatever it is fed.
            ending = .exited(status: (status >> 8) & 0xff, output: scanner.tail)
        } else {
            ending = .finished
        }
        return ChildResult(outcomes: scanner.outcomes, interrupted: watch.interrupted, ending: ending,
                           current: scanner.last + 1, seconds: now() - watch.start, slowest: watch.slowest)
    }
}

/// The feeding and watching loop of one child.
struct Watch {
    let child: ChildProcess
    let input: [UInt8]
    var scanner: MarkerScanner
    let settings: ChildSettings
    var written = 0
    let start = ChildRun.now()
    var lastProgress = ChildRun.now()
    var interruptedAt: Double?
    /// Whether the pending Ctrl-C is a random one (its statement is not a slow one).
    var randomInterrupt = false
    var nextRandomInterrupt = Double.infinity
    /// Statements to let finish before random Ctrl-Cs start (the prelude).
    var setup = 0
    var exitedAt: Double?
    var interrupted: [Int] = []
    var slowest: [(index: Int, seconds: Double)] = []
    static let keepSlowest = 5

    init(child: ChildProcess, input: [UInt8], scanner: MarkerScanner, settings: ChildSettings) {
        self.child = child
        self.input = input
        self.scanner = scanner
        self.settings = settings
        scheduleRandomInterrupt()
    }

    mutating func scheduleRandomInterrupt() {
        guard settings.randomInterrupts > 0 else { return }
        nextRandomInterrupt = ChildRun.now() + Double.random(in: 0..<(2 * settings.randomInterrupts))
    }

    /// Runs until the child closes its output; returns whether it hung (and was killed).
    mutating func loop() -> Bool {
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var hung = false
        while true {
            var fds = [pollfd(fd: child.output, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: child.input, events: Int16(POLLOUT), revents: 0)]
            _ = poll(&fds, child.input >= 0 ? 2 : 1, 100)
            if fds[1].revents != 0 { feed() }
            let n = buffer.withUnsafeMutableBytes { read(child.output, $0.baseAddress, $0.count) }
            if n == 0 { break }
            if n > 0 {
                let finished = buffer.withUnsafeBufferPointer { scanner.consume(UnsafeBufferPointer(rebasing: $0[0..<n])) }
                if let first = finished.first { progressed(first) }
            }
            if !hung, checkClock() {
                hung = true
                child.signal(SIGKILL)
            }
            if outputOrphaned(hung: hung) { break }
        }
        return hung
    }

    /// Whether to stop waiting for the end of the output: a process the child left behind
    /// (the crash backtracer, a `sleep`) may hold it open after the child is gone.
    mutating func outputOrphaned(hung: Bool) -> Bool {
        guard child.poll() != nil else { return false }
        let t = ChildRun.now()
        if exitedAt == nil { exitedAt = t }
        return t - exitedAt! > (hung ? 5 : 45)
    }

    mutating func feed() {
        guard child.input >= 0 else { return }
        if written < input.count {
            let n = input.withUnsafeBytes { write(child.input, $0.baseAddress! + written, Swift.min(1 << 16, input.count - written)) }
            if n > 0 { written += n } else if errno != EAGAIN && errno != EINTR { written = input.count }
        }
        if written >= input.count { child.closeInput() }
    }

    /// Statement `first` (and maybe some after it) finished: it is the one that was running
    /// since the last progress, so the wait and any Ctrl-C are its own.
    mutating func progressed(_ first: Int) {
        let t = ChildRun.now()
        slowest.append((first, t - lastProgress))
        if slowest.count > Self.keepSlowest * 4 {
            slowest.sort { $0.seconds > $1.seconds }
            slowest.removeLast(slowest.count - Self.keepSlowest)
        }
        lastProgress = t
        if interruptedAt != nil {
            if !randomInterrupt { interrupted.append(first) }
            interruptedAt = nil
            randomInterrupt = false
        }
    }

    /// Ctrl-C after `stall` seconds without a statement finishing; true once `grace` more
    /// seconds pass without an answer (a hang).
    mutating func checkClock() -> Bool {
        let t = ChildRun.now()
        if let sent = interruptedAt { return t - sent > settings.grace }
        if t - lastProgress > settings.stall || (t >= nextRandomInterrupt && scanner.last + 1 >= setup) {
            randomInterrupt = t - lastProgress <= settings.stall
            if randomInterrupt { scheduleRandomInterrupt() }
            child.signal(SIGINT)
            interruptedAt = t
        }
        return false
    }
}
