import ArgumentParser
import Foundation
import Lang
import Model
#if canImport(Glibc)
import Glibc
#endif

/// `rec fuzz N`: N statements generated from the registry, fed to `rec` children (piped
/// stdin, the demo data) in batches; crashes and hangs reported with the shortest statements
/// that reproduce each, grouped by signature. Exit status 1 when anything crashed or hung.
struct FuzzCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fuzz",
        abstract: "Fuzz the language: N generated statements in child sessions; report crashes and hangs with reproducers.")

    @Argument(help: "How many statements.")
    var count: Int = 20_000

    /// `--seed`: of the generated statements and of the children's sessions.
    @OptionGroup var common: CommonOptions

    var seed: UInt64 { common.seed }

    @Option(help: "Statements per child session.")
    var batch: Int = 1_000

    @Option(help: "Children running at once.")
    var jobs: Int = 1

    @Option(help: "Seconds without a statement finishing before Ctrl-C (SIGINT) is sent.")
    var stall: Double = 10

    @Option(help: "Seconds after Ctrl-C without an answer that make a hang (then SIGKILL).")
    var grace: Double = 10

    @Option(help: "Also press Ctrl-C at random moments, on average every this many seconds (0: only on a stall).")
    var interrupts: Double = 0

    @Option(help: "Address-space cap of each child, in GB (default: 60% of this machine's memory, above what rec's own size limits allow).")
    var memory: Double?

    @Option(help: "Failures of each signature to shrink to a reproducer.")
    var shrink: Int = 2

    @Option(help: "The demo dataset directory copied into each child's workspace.")
    var demo: String = "Data/demo"

    @Option(help: "Statements to run instead of generated ones: a file with one statement a line (to replay a reproducer).")
    var statements: String?

    @Option(help: "Known failure classes to leave out while they are being fixed, to find others: nesting, sizes, threads (comma-separated).")
    var leaveOut: String?

    @Option(help: "The rec binary to fuzz (default: this one).")
    var rec: String?

    @Flag(help: "Print the findings as Markdown too.")
    var markdown = false

    @Flag(help: "Print the statements (the prelude, then each batch's, each after a line `# BATCH.INDEX`) instead of running them.")
    var printStatements = false

    @Flag(help: "How often statements calling each builtin first gave a value (to tune the generator).")
    var stats = false

    @Flag(help: "List the slowest statements too.")
    var slowest = false

    @Flag(help: "A progress line every ten seconds on stderr.")
    var progress = false

    func validate() throws {
        guard count >= 1, batch >= 1, jobs >= 1, stall > 0, grace > 0, (memory ?? 1) > 0 else {
            throw ValidationError("count, --batch, --jobs, --stall, --grace and --memory must be positive")
        }
        guard (memory ?? 1) < 1e6, stall < 1e6, grace < 1e6, interrupts >= 0, interrupts < 1e6 else {
            throw ValidationError("--memory, --stall, --grace and --interrupts must be below 1e6 (and --interrupts not negative)")
        }
        guard FileManager.default.fileExists(atPath: demo + "/u.data") else {
            throw ValidationError("--demo \(demo): no u.data there (run from the repository, or give the demo directory)")
        }
    }

    func run() throws {
        signal(SIGPIPE, SIG_IGN)
        let root = NSTemporaryDirectory() + "rec-fuzz-\(getpid())"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let settings = ChildSettings(rec: rec ?? Self.ownPath(), seed: seed, demo: (demo as NSString).standardizingPath,
                                     root: root, stall: stall, grace: grace,
                                     memoryLimit: memory.map { Int($0 * 1e9) } ?? Int(Double(Limits.physicalMemory) * 0.6),
                                     randomInterrupts: interrupts)
        let given = try statements.map { path -> [String] in
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw ValidationError("cannot read \(path)") }
            return text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter { !$0.isEmpty }
        }
        let runner = FuzzRunner(count: count, seed: seed, batchSize: batch, jobs: jobs, settings: settings, progress: progress,
                                given: given, leaveOut: try knownClasses())
        if printStatements {
            print(runner.prelude.entries.map(\.source).joined(separator: "\n"))
            for b in 0..<runner.batches {
                for (k, s) in runner.statements(ofBatch: b).enumerated() { print("# \(b).\(k)\n" + s) }
            }
            return
        }
        let devices = Self.systemDevices()
        runner.run()
        let seconds = ChildRun.now() - runner.started
        // Statements run as this user: as root they could replace what the machine needs (a
        // save over /dev/null once deleted its device node, and tmux failed from then on).
        let damaged = devices.filter { !Self.isDevice($0) }
        let findings = self.findings(runner, settings)
        print("rec fuzz: \(runner.count) statements, seed \(seed), batches of \(batch), \(jobs) job\(jobs == 1 ? "" : "s")"
              + (leaveOut.map { ", leaving out \($0)" } ?? ""))
        for i in runner.totals.preludeFailures.sorted() {
            print("warning: the prelude's statement failed (fix FuzzPrelude): " + runner.prelude.entries[i].source)
        }
        print(FuzzReport.totalsLine(runner.totals, seconds: seconds))
        if !findings.isEmpty { print("\n" + FuzzReport.text(findings, seed: seed)) }
        if stats {
            print("\nvalues by the first builtin called (runs, share that gave a value):")
            for (name, c) in runner.totals.byCallee.sorted(by: { $0.value.runs > $1.value.runs }) where c.runs >= 20 {
                print("  " + name.padding(toLength: 20, withPad: " ", startingAt: 0)
                      + String(format: "%6d  %5.1f%%", c.runs, 100 * Double(c.values) / Double(c.runs)))
            }
        }
        if slowest {
            print("\nslowest statements (seconds, batch.statement; Ctrl-C stops those that reach --stall):")
            for s in runner.slowest {
                print(String(format: "  %6.2f s  %d.%d  ", s.seconds, s.batch, s.index)
                      + FuzzReport.abbreviate(runner.statements(ofBatch: s.batch)[s.index]))
            }
        }
        if markdown && !findings.isEmpty { print("\n" + FuzzReport.markdown(findings, seed: seed)) }
        for path in damaged { print("error: the run replaced \(path): it is no longer a device (restore it: mknod)") }
        if runner.totals.crashes + runner.totals.hangs > 0 || !damaged.isEmpty { throw ExitCode(1) }
    }

    /// The device files every run must leave as they are (those that are devices now).
    static func systemDevices() -> [String] { ["/dev/null", "/dev/zero", "/dev/urandom", "/dev/tty"].filter(isDevice) }

    static func isDevice(_ path: String) -> Bool {
        var status = stat()
        return lstat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFCHR
    }

    /// Failures grouped by signature, most frequent first; the first few of each shrunk.
    func findings(_ runner: FuzzRunner, _ settings: ChildSettings) -> [Finding] {
        let groups = Dictionary(grouping: runner.failures, by: \.signature)
        return groups.map { signature, failures in
            var best: Reproducer? = nil
            let shrinker = Shrinker(settings: settings, prelude: runner.prelude, budget: failures[0].kind == .crash ? 60 : 240)
            for f in failures.sorted(by: { $0.index - $0.start < $1.index - $1.start }).prefix(shrink) {
                let batch = runner.statements(ofBatch: f.batch)
                if let r = shrinker.shrink(f, batch: batch), r.length < (best?.length ?? .max) { best = r }
            }
            let first = failures[0]
            let statements = runner.statements(ofBatch: first.batch)
            let culprit = first.index >= 0 && first.index < statements.count ? statements[first.index] : "(the prelude)"
            return Finding(kind: first.kind, signature: signature, count: failures.count, first: first, reproducer: best, culprit: culprit)
        }.sorted { ($0.count, $0.signature) > ($1.count, $1.signature) }
    }

    func knownClasses() throws -> Set<StatementGenerator.KnownClass> {
        Set(try (leaveOut ?? "").split(separator: ",").map { name in
            guard let c = StatementGenerator.KnownClass(rawValue: String(name)) else {
                throw ValidationError("--leave-out: no class '\(name)' (nesting, sizes, threads)")
            }
            return c
        })
    }

    static func ownPath() -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        return n > 0 ? String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) : CommandLine.arguments[0]
    }
}
