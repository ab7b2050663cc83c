import ArgumentParser
import Foundation
import Model

/// The `rec` command line (workbench.md §1).
struct Rec: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "rec",
        abstract: "A workbench for deep-learning hybrid recommenders (flip scenario: rank all users for a movie).",
        discussion: """
        `rec` alone opens the prompt (type :help there); with input piped in, it reads statements \
        from stdin and prints only results and errors. `rec run FILE.rec` runs a script.
        """,
        version: version,
        subcommands: [RunCommand.self, CheckCommand.self, StepCommand.self, BenchCommand.self, ReferenceCommand.self, PlotsCommand.self,
                      KernelCommand.self, ConvertCommand.self, FuzzCommand.self]
    )

    @OptionGroup var common: CommonOptions

    /// No subcommand: the REPL (or statements from piped stdin).
    func run() throws {
        let repl = Repl(seed: common.seed, dataDirectory: common.dataDirectory)
        repl.session.threads = common.applyThreads()
        repl.logThreads = repl.session.threads
        let status = repl.run()
        if status != 0 { throw ExitCode(status) }
    }
}


/// Options every command takes.
struct CommonOptions: ParsableArguments {
    @Option(help: "Data directory (else $REC_DATA, else Data/).")
    var data: String?

    @Option(help: "Random seed.")
    var seed: UInt64 = 42

    @Option(help: "Threads for training (each batch cut into that many parts), BLAS and reading ratings files.")
    var threads: Int = 1

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
    }
}

extension CommonOptions {
    /// Sets the BLAS threads; more than the cores are clamped to them, with a warning.
    /// Returns the count in use (what a session's `fit` then trains on).
    @discardableResult
    func applyThreads() -> Int {
        let used = BLAS.setThreads(threads)
        if used < threads { printError("warning: --threads \(threads): this machine has \(Limits.cores) cores; using \(used)") }
        return used
    }

    /// --data, else $REC_DATA, else Data/ (workbench.md §1).
    var dataDirectory: String {
        if let data { return data }
        if let env = ProcessInfo.processInfo.environment["REC_DATA"], !env.isEmpty { return env }
        return "Data"
    }
}
