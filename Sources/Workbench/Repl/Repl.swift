import CEditLine
import Foundation
import Lang

/// `rec` with no subcommand: the REPL through libedit when stdin is a terminal, otherwise
/// statements read plainly from stdin with nothing but results and errors printed. Both go
/// through the interpreter's one `run` path; meta-commands (`:save`, `:step`, …) work in both.
final class Repl {
    let session: Session
    let interpreter: Interpreter
    let console: Console
    let interactive: Bool
    var log = SessionLog()
    /// Line charts of histories, by log entry (for :export).
    var charts: [Int: String] = [:]
    var timing = false
    var quit = false
    /// The seed the logged statements started from (the command line's, or the last :reset's).
    var logSeed: UInt64

    init(seed: UInt64, dataDirectory: String, interactive: Bool = isatty(0) == 1) {
        session = Session(seed: seed, dataDirectory: dataDirectory)
        interpreter = Interpreter(session: session)
        self.interactive = interactive
        console = Console(interactive: interactive)
        logSeed = seed
        session.delegate = console
        session.output = console.render
        Interrupts.install(session)
    }

    /// Returns the exit status: 0, or 1 when piped input had an error.
    func run() -> Int32 {
        interactive ? prompt() : piped()
    }

    /// Piped input: statements one by one (a statement may span lines while a bracket is open).
    func piped() -> Int32 {
        var failed = false, feeder = StatementFeeder()
        while !quit, let line = readLine() {
            if !feeder.isPending, line.hasPrefix(":") || line.hasPrefix("?") { failed = !meta(line) || failed; continue }
            if let (text, first) = feeder.feed(line) { failed = execute(text, origin: "<stdin>", line: first) || failed }
        }
        if let (text, first) = feeder.finish() { failed = execute(text, origin: "<stdin>", line: first) || failed }
        return failed ? 1 : 0
    }

    /// Runs one statement's text; logs it; returns whether it failed.
    @discardableResult
    func execute(_ text: String, origin: String, line: Int = 1) -> Bool {
        let start = Date()
        var failed = false, output: [String] = []
        let (outcomes, source) = interpreter.run(statement: text, origin: origin, line: line)
        for o in outcomes {
            let (shown, isError) = Console.render(o, source: source)
            if !shown.isEmpty { isError ? console.err(shown) : console.out(shown); output.append(shown) }
            failed = failed || isError
            switch o.result {
            case .value(let v), .bound(_, let v):
                if let h = v.history { charts[log.entries.count] = SVGChart.line(h.losses, label: "loss per epoch") }
            case .error: break
            }
        }
        console.endProgress()
        if timing { console.out(String(format: "(%.3f s)", Date().timeIntervalSince(start))) }
        // A statement stopped with Ctrl-C did not do what it says: :save leaves it out.
        let interrupted = session.cancel.isSet
        if interrupted && !failed { console.out("(interrupted: kept in the session, left out of :save)") }
        log.add(text, ok: !failed && !interrupted, output: output.joined(separator: "\n"))
        return failed
    }

    func prompt() -> Int32 {
        let historyFile = (NSHomeDirectory() as NSString).appendingPathComponent(".rec_history")
        _ = read_history(historyFile)
        LineEditor.install(session)
        console.out("rec \(Rec.version) — :help for help, Tab completes, Ctrl-D leaves")
        var feeder = StatementFeeder()
        while !quit {
            session.cancel.clear()
            guard let raw = readline(feeder.isPending ? "...> " : "rec> ") else {
                // Ctrl-C interrupts the read: the line (and any open statement) is dropped.
                if session.cancel.isSet {
                    console.out("")
                    feeder = StatementFeeder()
                    continue
                }
                console.out("")  // Ctrl-D
                break
            }
            let line = String(cString: raw)
            free(raw)
            if !feeder.isPending && line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            if !feeder.isPending, line.hasPrefix(":") || line.hasPrefix("?") {
                add_history(line)
                _ = write_history(historyFile)  // after every statement, so nothing is lost
                _ = meta(line)
                continue
            }
            guard let (statement, _) = feeder.feed(line) else { continue }
            add_history(statement)
            _ = write_history(historyFile)
            execute(statement, origin: "")
        }
        return 0
    }

    // MARK: Meta-commands

    /// Runs a meta-command; returns false when it failed.
    func meta(_ line: String) -> Bool {
        if line.hasPrefix("?") {
            console.out(Help.text(for: String(line.dropFirst()).trimmingCharacters(in: .whitespaces), session: session))
            return true
        }
        let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
        let command = parts[0], argument = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
        func needFile(_ what: String) -> Bool {
            if argument.isEmpty { console.err("\(command) needs a file name: \(command) \(what)") }
            return !argument.isEmpty
        }
        switch command {
        case ":help", ":h":
            console.out(MetaHelp.text + "\n\nbuiltins (?name for one):\n" + Help.text(for: "", session: session))
        case ":vars":
            let names = session.variables.keys.sorted()
            let width = names.map(\.count).max() ?? 0
            console.out(names.isEmpty ? "(no variables)" : names.map { n in
                let v = session.variables[n]!
                return n.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + v.typeName.padding(toLength: 12, withPad: " ", startingAt: 0) + "  " + v.summary
            }.joined(separator: "\n"))
        case ":history":
            console.out(log.entries.isEmpty ? "(nothing yet)" : log.history)
        case ":save":
            guard needFile("FILE.rec") else { return false }
            return write(log.script(seed: logSeed, version: Rec.version), to: argument)
        case ":export":
            guard needFile("FILE.html") else { return false }
            return write(log.html(title: "rec session", charts: charts), to: argument)
        case ":run":
            guard needFile("FILE.rec") else { return false }
            guard let source = try? String(contentsOfFile: argument, encoding: .utf8) else {
                console.err("\(argument): error: cannot read the file")
                return false
            }
            var feeder = StatementFeeder()
            for l in source.split(separator: "\n", omittingEmptySubsequences: false) {
                if let (text, first) = feeder.feed(String(l)), execute(text, origin: argument, line: first) { return false }
            }
            if let (text, first) = feeder.finish() { return !execute(text, origin: argument, line: first) }
        case ":step":
            guard needFile("FILE.rec") else { return false }
            return step(argument)
        case ":time":
            timing = argument != "off"
            console.out("timing \(timing ? "on" : "off")")
        case ":reset":
            session.reset()
            logSeed = session.seed
            log.clear()
            charts = [:]
            console.out("session reset (seed \(session.seed))")
        case ":quit", ":q":
            quit = true
        default:
            let known = Completion.metaCommands
            let hint = Diagnostic.closest(to: command, among: known).map { " (did you mean \($0)?)" } ?? ""
            console.err("unknown meta-command \(command)\(hint); :help lists them")
            return false
        }
        return true
    }

    func write(_ text: String, to path: String) -> Bool {
        do {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            console.out("wrote \(path)")
            return true
        } catch {
            console.err("\(path): error: cannot write: \(error.localizedDescription)")
            return false
        }
    }

    /// Instructor mode: shows each statement of a script; Enter runs it, `s` skips, `q` stops.
    func step(_ path: String) -> Bool {
        guard let source = try? String(contentsOfFile: path, encoding: .utf8) else {
            console.err("\(path): error: cannot read the file")
            return false
        }
        var feeder = StatementFeeder(), statements: [(String, Int)] = []
        for l in source.split(separator: "\n", omittingEmptySubsequences: false) {
            if let s = feeder.feed(String(l)) { statements.append(s) }
        }
        if let s = feeder.finish() { statements.append(s) }
        // Comments before a statement are shown with it; blank and comment-only chunks are skipped.
        let runnable = statements.filter { !$0.0.split(separator: "\n").allSatisfy { $0.trimmingCharacters(in: .whitespaces).hasPrefix("#") || $0.trimmingCharacters(in: .whitespaces).isEmpty } }
        for (k, (text, first)) in runnable.enumerated() {
            console.out("── step \(k + 1)/\(runnable.count) ──\n\(text)")
            let answer: String
            if interactive {
                guard let raw = readline("[Enter] run · s skip · q stop > ") else { return true }
                answer = String(cString: raw).trimmingCharacters(in: .whitespaces)
                free(raw)
            } else {
                answer = readLine()?.trimmingCharacters(in: .whitespaces) ?? "q"
            }
            if answer == "q" { return true }
            if answer == "s" { continue }
            execute(text, origin: path, line: first)
        }
        return true
    }
}

enum MetaHelp {
    static let text = """
    meta-commands (at the start of a line):
      ?name            help for a builtin
      :help            this text
      :vars            the session's variables (name, type, shape or size)
      :history         the statements so far, ✓ ran, ✗ failed
      :save FILE.rec   write the statements that succeeded (replay with rec run FILE.rec)
      :run FILE.rec    run a script in this session
      :step FILE.rec   instructor mode: show each statement; Enter runs it, s skips, q stops
      :time on|off     print how long each statement took
      :reset           forget all variables and restart the random generator
      :export FILE.html  the session as a page: statements, outputs, loss charts
      :quit            leave (Ctrl-D too)
    Ctrl-C stops a running fit or evaluation between batches; at the prompt it clears the line.
    """
}
