import Foundation
import Lang
import Model

/// The REPL's meta-commands (`:save`, `:step`, `?name`, …): a line of its own, starting
/// with `:` or `?`, outside the language.
enum MetaCommands {
    static let names = [":help", ":vars", ":history", ":save", ":run", ":step", ":time", ":reset", ":export", ":quit"]

    static func isMeta(_ line: String) -> Bool { line.hasPrefix(":") || line.hasPrefix("?") }

    static let help = """
    meta-commands (at the start of a line):
      ?name            help for a builtin
      :help            this text
      :vars [NAME…]    the session's variables (name, type, shape or size), or those named
      :history         the statements so far, ✓ ran, ✗ failed, ! interrupted
      :save FILE.rec   write a replayable script: the statements that ran (interrupted ones marked)
      :run FILE.rec    run a script in this session
      :step FILE.rec   instructor mode: each statement with its narration; Enter runs it, s skips,
                       b goes back, c runs on to the next # --- section, q stops; a typed line runs (a fix);
                       :save, :export, :history, :vars and ?name work at its prompt
      :time on|off     print how long each statement took
      :reset           forget all variables and restart the random generator
      :export FILE.html  the session as a page: statements, outputs, charts
      :quit            leave (Ctrl-D too)
    Ctrl-C stops a running fit or evaluation between batches; at the prompt it clears the line.
    """
}

extension Repl {
    /// Runs a meta-command; returns false when it failed.
    func meta(_ line: String) -> Bool {
        if line.hasPrefix("?") {
            console.out(Help.text(for: String(line.dropFirst()).trimmingCharacters(in: .whitespaces), session: session))
            return true
        }
        let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
        let command = parts.first ?? line, argument = Value.unquoted(parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : "")
        switch command {
        case ":help", ":h":
            console.out(MetaCommands.help + "\n\nbuiltins (?name for one):\n" + Help.text(for: "", session: session))
        case ":vars": return variables(argument)
        case ":history": console.out(log.entries.isEmpty ? "(nothing yet)" : log.history)
        case ":time":
            // `:time` alone turns it on, as before; anything but on or off is a typo to report.
            guard ["", "on", "off"].contains(argument) else {
                console.err(":time takes on or off, got \(argument); timing stays \(timing ? "on" : "off")")
                return false
            }
            timing = argument != "off"
            console.out("timing \(timing ? "on" : "off")")
        case ":reset":
            session.reset()
            logSeed = session.seed
            logThreads = session.threads
            log.clear()
            console.out("session reset (seed \(session.seed))")
        case ":quit", ":q": quit = true
        case ":save", ":export", ":run", ":step": return fileCommand(command, argument)
        default:
            let hint = Diagnostic.closest(to: command, among: MetaCommands.names).map { " (did you mean \($0)?)" } ?? ""
            console.err("unknown meta-command \(command)\(hint); :help lists them")
            return false
        }
        return true
    }

    /// The meta-commands that take a file.
    private func fileCommand(_ command: String, _ path: String) -> Bool {
        let usage = [":save": "FILE.rec", ":export": "FILE.html", ":run": "FILE.rec", ":step": "FILE.rec"][command] ?? "FILE"
        guard !path.isEmpty else {
            console.err("\(command) needs a file name: \(command) \(usage)")
            return false
        }
        switch command {
        case ":save":
            let (script, marked) = log.script(seed: logSeed, threads: logThreads, version: Rec.version)
            guard write(script, to: path, mark: "# rec session saved") else { return false }
            if marked > 0 {
                console.out("(\(marked) interrupted statement\(marked == 1 ? "" : "s") kept and marked in \(path): a replay runs \(marked == 1 ? "it" : "them") in full)")
            }
            return true
        case ":export":
            // The page is HTML whatever the name: a .rec or .txt name would hold markup.
            guard ["html", "htm"].contains((path as NSString).pathExtension.lowercased()) else {
                console.err(":export writes an HTML page: give it a name ending in .html (:save FILE.rec writes the session as a script)")
                return false
            }
            let metadata = SessionLog.Metadata(version: Rec.version, seed: logSeed, data: session.dataDirectory,
                                               threads: BLAS.threads, date: Date())
            return write(log.html(title: "rec session", metadata: metadata), to: path, mark: "<meta name=\"generator\" content=\"rec\">")
        case ":run": return runFile(path)
        default: return step(path)
        }
    }

    /// `:vars` lists every variable; `:vars a b` those named (a name not bound is reported,
    /// with the closest that is).
    private func variables(_ argument: String) -> Bool {
        let names = argument.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
        for name in names where session.variables[name] == nil {
            let hint = Diagnostic.closest(to: name, among: Array(session.variables.keys)).map { " (did you mean \($0)?)" } ?? ""
            console.err(":vars: no variable named \(name)\(hint)")
            return false
        }
        console.out(VariablesObject(session, only: names.isEmpty ? nil : names).display)
        return true
    }
}
