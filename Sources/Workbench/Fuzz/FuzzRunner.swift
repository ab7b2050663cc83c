import Foundation
import Lang

/// A crash or a hang, where it happened: batch `batch`'s statements `start..<index` ran in the
/// same child before statement `index` failed.
struct Failure: Sendable {
    enum Kind: String, Sendable { case crash, hang }
    let kind: Kind
    let signature: String
    let batch: Int
    let start: Int
    let index: Int
    /// The child's last lines of output (the backtrace of a crash).
    let excerpt: [String]
}

/// Counts over a run.
struct FuzzTotals: Sendable {
    var statements = 0, values = 0, errors = 0, lost = 0, interrupted = 0, crashes = 0, hangs = 0, children = 0
    /// By the first name a statement calls: how many ran, and how many gave a value.
    var byCallee: [String: (runs: Int, values: Int)] = [:]
    /// Prelude statements that gave an error or were lost (the language moved under them).
    var preludeFailures: Set<Int> = []

    mutating func add(_ other: FuzzTotals) {
        preludeFailures.formUnion(other.preludeFailures)
        byCallee.merge(other.byCallee) { ($0.runs + $1.runs, $0.values + $1.values) }
        statements += other.statements; values += other.values; errors += other.errors; lost += other.lost
        interrupted += other.interrupted; crashes += other.crashes; hangs += other.hangs; children += other.children
    }
}

/// Runs `count` fuzzed statements in batches, each batch in fresh children (the prelude,
/// then the batch's statements; after a crash or a hang the batch goes on in a new child
/// from the next statement), `jobs` children at a time.
final class FuzzRunner: @unchecked Sendable {
    let count: Int, seed: UInt64, batchSize: Int, jobs: Int
    /// Statements given instead of generated ones (`--statements FILE`).
    let given: [String]?
    let leaveOut: Set<StatementGenerator.KnownClass>
    let settings: ChildSettings
    let prelude = FuzzPrelude.standard
    let progress: Bool
    private let lock = NSLock()
    private var nextBatch = 0
    private(set) var totals = FuzzTotals()
    private(set) var failures: [Failure] = []
    /// The slowest statements of the run: (seconds, batch, index).
    private(set) var slowest: [(seconds: Double, batch: Int, index: Int)] = []
    private var lastReport = ChildRun.now()
    let started = ChildRun.now()

    init(count: Int, seed: UInt64, batchSize: Int, jobs: Int, settings: ChildSettings, progress: Bool,
         given: [String]? = nil, leaveOut: Set<StatementGenerator.KnownClass> = []) {
        self.given = given
        self.leaveOut = leaveOut
        self.count = given?.count ?? count
        self.seed = seed
        self.batchSize = Swift.max(1, batchSize)
        self.jobs = Swift.max(1, jobs)
        self.settings = settings
        self.progress = progress
    }

    var batches: Int { (count + batchSize - 1) / batchSize }

    /// The statements of batch `b` (the same for the same seed, whatever ran before).
    func statements(ofBatch b: Int) -> [String] {
        let n = Swift.min(batchSize, count - b * batchSize)
        if let given { return Array(given[(b * batchSize)..<(b * batchSize + n)]) }
        return StatementGenerator(seed: seed &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(b), leaveOut: leaveOut).batch(n)
    }

    func run() {
        let group = DispatchGroup()
        for _ in 0..<jobs {
            group.enter()
            Thread.detachNewThread {
                self.work()
                group.leave()
            }
        }
        group.wait()
        failures.sort { ($0.batch, $0.index) < ($1.batch, $1.index) }
    }

    private func work() {
        while true {
            lock.lock()
            let b = nextBatch
            nextBatch += 1
            lock.unlock()
            guard b < batches else { return }
            let (t, f, slow) = runBatch(b)
            lock.lock()
            totals.add(t)
            failures += f
            slowest = Array((slowest + slow).sorted { $0.seconds > $1.seconds }.prefix(10))
            report()
            lock.unlock()
        }
    }

    func runBatch(_ b: Int) -> (FuzzTotals, [Failure], [(seconds: Double, batch: Int, index: Int)]) {
        let statements = self.statements(ofBatch: b)
        let setup = prelude.entries.map(\.source)
        var totals = FuzzTotals(), failures: [Failure] = [], start = 0
        var slow: [(seconds: Double, batch: Int, index: Int)] = []
        while start < statements.count {
            let result: ChildResult
            do {
                result = try ChildRun.run(setup + statements[start...], settings, setup: setup.count)
            } catch {
                printError("fuzz: \(error)")
                totals.lost += statements.count - start
                break
            }
            totals.children += 1
            tally(result, from: setup.count, statements[start...], into: &totals)
            for (i, o) in result.outcomes.prefix(setup.count).enumerated() where o == .error || o == .lost {
                totals.preludeFailures.insert(i)
            }
            slow += result.slowest.filter { $0.index >= setup.count }.map { ($0.seconds, b, start + $0.index - setup.count) }
            guard let failure = failure(result, statements, batch: b, start: start, setup: setup.count) else { break }
            failures.append(failure)
            if failure.kind == .crash { totals.crashes += 1 } else { totals.hangs += 1 }
            if failure.index >= start && failure.index < statements.count { totals.statements += 1 }
            // A failure in the prelude would repeat: the batch stops there.
            start = failure.index < start ? statements.count : failure.index + 1
        }
        return (totals, failures, slow)
    }

    func tally(_ r: ChildResult, from first: Int, _ statements: ArraySlice<String>, into t: inout FuzzTotals) {
        for (k, o) in r.outcomes[first...].enumerated() where o != .notRun {
            let callee = FuzzSyntax.callees(statements[statements.startIndex + k]).first ?? "(no call)"
            let c = t.byCallee[callee] ?? (0, 0)
            t.byCallee[callee] = (c.runs + 1, c.values + (o == .value ? 1 : 0))
            switch o {
            case .value: t.values += 1; t.statements += 1
            case .error: t.errors += 1; t.statements += 1
            case .lost: t.lost += 1; t.statements += 1
            case .notRun: break
            }
        }
        t.interrupted += r.interrupted.filter { $0 >= first }.count
    }

    func failure(_ r: ChildResult, _ statements: [String], batch: Int, start: Int, setup: Int) -> Failure? {
        let index = start + r.current - setup
        let culprit = index >= start && index < statements.count ? statements[index] : "(prelude)"
        switch r.ending {
        case .finished: return nil
        case .crashed(let signal, let output):
            return Failure(kind: .crash, signature: FailureSignature.crash(signal: signal, output: output), batch: batch,
                           start: start, index: index, excerpt: Array(output.suffix(60)))
        case .exited(let status, let output):
            return Failure(kind: .crash, signature: FailureSignature.exit(status), batch: batch,
                           start: start, index: index, excerpt: Array(output.suffix(20)))
        case .hung(let output):
            return Failure(kind: .hang, signature: FailureSignature.hang(statement: culprit), batch: batch,
                           start: start, index: index, excerpt: Array(output.suffix(20)))
        }
    }

    /// A progress line on stderr every ten seconds (with --progress).
    private func report() {
        let t = ChildRun.now()
        guard progress, t - lastReport > 10 else { return }
        lastReport = t
        printError(String(format: "fuzz: %d/%d statements, %d crashes, %d hangs, %.0f statements/s",
                          totals.statements, count, totals.crashes, totals.hangs, Double(totals.statements) / (t - started)))
    }
}
