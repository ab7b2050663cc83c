import ArgumentParser
import Foundation
import Lang
import Model

/// `rec run FILE.rec [FILE…]`: runs scripts in one session, stopping at the first error.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Run .rec scripts in one session; stop at the first error.")

    @Argument(help: "Script files.")
    var files: [String]

    @OptionGroup var common: CommonOptions

    @Option(help: "Cap every fit at this many epochs (a quick run of a long script).")
    var maxEpochs: Int?

    func run() throws {
        let session = Session(seed: common.seed, dataDirectory: common.dataDirectory)
        session.maxEpochs = maxEpochs
        let console = Console(interactive: false)
        session.delegate = console
        session.output = console.render
        Interrupts.install(session)
        BLAS.setThreads(common.threads)
        let interpreter = Interpreter(session: session)
        for file in files {
            guard let source = try? String(contentsOfFile: file, encoding: .utf8) else {
                console.err("\(file): error: cannot read the file")
                throw ExitCode(1)
            }
            let outcomes = interpreter.run(source, origin: file) { _ = console.show($0, source: source) }
            if session.cancel.isSet {
                console.err("\(file): interrupted")
                throw ExitCode(130)
            }
            if outcomes.contains(where: \.isError) {
                if outcomes.contains(where: { if case .error(let e) = $0.result { return e.kind == .interrupted } else { return false } }) {
                    throw ExitCode(130)
                }
                throw ExitCode(1)
            }
        }
    }
}

/// `rec check FILE.rec`: parses and resolves names without running anything.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "check", abstract: "Parse and resolve a script without running it.")

    @Argument(help: "Script files.")
    var files: [String]

    @OptionGroup var common: CommonOptions

    func run() throws {
        let console = Console(interactive: false)
        var failed = false
        for file in files {
            guard let source = try? String(contentsOfFile: file, encoding: .utf8) else {
                console.err("\(file): error: cannot read the file")
                failed = true
                continue
            }
            let errors = Interpreter(session: Session(seed: common.seed, dataDirectory: common.dataDirectory)).check(source, origin: file)
            for e in errors { console.err(Diagnostic.render(e, source: source)) }
            failed = failed || !errors.isEmpty
        }
        if failed { throw ExitCode(1) }
    }
}
