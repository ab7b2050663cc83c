import ArgumentParser
import Foundation
import Lang
import Model

/// `rec step FILE.rec`: instructor mode from the command line (as `:step` at the prompt):
/// each statement with its narration; Enter runs it, s skips, b goes back, c runs on to the
/// next `# ---` section, q stops; a line typed by hand runs (and fixes a failed step).
struct StepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "step", abstract: "Step through a script statement by statement (instructor mode).")

    @Argument(help: "The script.")
    var file: String

    @OptionGroup var common: CommonOptions

    func run() throws {
        let repl = Repl(seed: common.seed, dataDirectory: common.dataDirectory)
        repl.session.threads = common.applyThreads()
        repl.logThreads = repl.session.threads
        if repl.interactive { LineEditor.install(repl.session) }
        if !repl.step(file) { throw ExitCode(1) }
    }
}
