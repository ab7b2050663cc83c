import ArgumentParser
import Lang

/// `rec reference`: the language reference (every builtin and member) as Markdown, from the
/// same registry that drives the resolver and `help` — the README's copy is made with it.
struct ReferenceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "reference", abstract: "Print the language reference as Markdown.")

    func run() throws {
        print(Help.markdown(session: Session()), terminator: "")
    }
}
