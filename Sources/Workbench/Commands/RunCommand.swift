import ArgumentParser
import Foundation
import Lang
import Model

/// `rec run FILE.rec [FILE…]`: runs scripts in one session, stopping at the first error.
/// Each file is checked whole first (a typo on line 50 is reported before line 1 trains for
/// a minute), then read and run statement by statement through the same reader as the prompt.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Run .rec scripts in one session; stop at the first error.")

    @Argument(help: "Script files.")
    var files: [String]

    @OptionGroup var common: CommonOptions

    @Option(help: "Cap every fit at this many epochs (a quick run of a long script).")
    var maxEpochs: Int?

    @Option(name: .customLong("set"), help: ArgumentHelp("Define a variable before the scripts run: a number, true/false, or text.",
                                                         valueName: "name=value"))
    var assignments: [String] = []

    @Flag(help: "Refuse every write (save, export, plot to a file, split.save).")
    var readOnly = false

    func run() throws {
        let session = Session(seed: common.seed, dataDirectory: common.dataDirectory)
        session.maxEpochs = maxEpochs
        session.readOnly = readOnly
        let console = Console(interactive: false)
        session.output = console.render
        Interrupts.install(session)
        session.threads = common.applyThreads()
        for a in assignments {
            do { try session.define(a) } catch {
                console.err("error: \((error as? LangError)?.message ?? "\(error)")")
                throw ExitCode(2)
            }
        }
        for file in files {
            let source: String
            do { source = try ScriptFile.read(file) } catch {
                console.err("\(error)")
                throw ExitCode(1)
            }
            if let (e, text) = session.check(source, origin: file).first {
                console.err(Diagnostic.render(e, source: text))
                throw ExitCode(1)
            }
            let records = session.run(source, origin: file, stopOnError: true, keepValues: false)
            if session.cancel.isSet || records.contains(where: { $0.error?.kind == .interrupted }) {
                let at = records.last?.line.map { ":\($0)" } ?? ""
                console.err("\(file)\(at): interrupted; the statements after it did not run")
                throw ExitCode(130)
            }
            if records.contains(where: { $0.status == .failed }) { throw ExitCode(1) }
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
            let source: String
            do { source = try ScriptFile.read(file) } catch {
                console.err("\(error)")
                failed = true
                continue
            }
            let errors = Session(seed: common.seed, dataDirectory: common.dataDirectory).check(source, origin: file)
            for (e, text) in errors { console.err(Diagnostic.render(e, source: text)) }
            failed = failed || !errors.isEmpty
        }
        if failed { throw ExitCode(1) }
    }
}
