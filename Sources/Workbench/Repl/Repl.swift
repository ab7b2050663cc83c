import CEditLine
import Foundation
import Lang

/// `rec` with no subcommand: the REPL through libedit when stdin is a terminal, otherwise
/// statements read plainly from stdin with nothing but results and errors printed.
/// Both go through the interpreter's one `run` path.
struct Repl {
    let session: Session
    let interpreter: Interpreter
    let console: Console

    init(seed: UInt64, dataDirectory: String) {
        session = Session(seed: seed, dataDirectory: dataDirectory)
        interpreter = Interpreter(session: session)
        console = Console(interactive: isatty(0) == 1)
        session.delegate = console
        Interrupts.install(session)
    }

    /// Returns the exit status: 0, or 1 when piped input had an error.
    func run() -> Int32 {
        isatty(0) == 1 ? prompt() : piped()
    }

    /// Piped input: statements one by one (a statement may span lines while a bracket is open).
    func piped() -> Int32 {
        var failed = false, feeder = StatementFeeder()
        while let line = readLine() {
            if let (text, first) = feeder.feed(line) { failed = execute(text, origin: "<stdin>", line: first) || failed }
        }
        if let (text, first) = feeder.finish() { failed = execute(text, origin: "<stdin>", line: first) || failed }
        return failed ? 1 : 0
    }

    func execute(_ text: String, origin: String, line: Int = 1) -> Bool {
        let (outcomes, source) = interpreter.run(statement: text, origin: origin, line: line)
        return console.show(outcomes, source: source)
    }

    func prompt() -> Int32 {
        let historyFile = (NSHomeDirectory() as NSString).appendingPathComponent(".rec_history")
        _ = read_history(historyFile)
        console.out("rec \(Rec.version) — type help() for the builtins, Ctrl-D to leave")
        var feeder = StatementFeeder()
        while true {
            guard let raw = readline(feeder.isPending ? "...> " : "rec> ") else { print(""); break }
            let line = String(cString: raw)
            free(raw)
            if !feeder.isPending && line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            guard let (pending, _) = feeder.feed(line) else { continue }
            add_history(pending)
            _ = write_history(historyFile)
            if pending.hasPrefix("?") {
                console.out(Help.text(for: String(pending.dropFirst()).trimmingCharacters(in: .whitespaces), session: session))
            } else if pending == ":quit" || pending == ":q" {
                break
            } else {
                _ = execute(pending, origin: "")
            }
        }
        return 0
    }
}
