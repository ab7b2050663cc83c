import Foundation
import Lang
import Model

/// Instructor mode (`:step FILE`, `rec step FILE`): each statement of a script is shown with
/// the narration comments above it, then waits. Enter runs it, `s` skips it, `b` (or `:back`)
/// goes back one step — the session is rebuilt by replaying, quietly, what ran before it, so
/// its state is what replaying up to there gives — `c` runs on to the next `# ---` section
/// marker or `# pause`, `q` stops. Anything else typed is run as a statement of its own: after
/// a step fails, the instructor types the corrected line and goes on; it counts as run, and
/// going back to that step shows and runs the fix. `b` after `s` returns to the skipped step.
struct Stepper {
    enum Answer: Equatable { case run, skip, back, continueToMarker, quit, statement(String), meta(String) }

    let steps: [Chunk]
    /// What happened so far, in order: a step run (by index), a step skipped, or a statement
    /// typed by hand. `b` undoes the last of them.
    private(set) var ran: [Ran] = []
    /// The session log's length after each entry of `ran` (and before the first: `logStart`):
    /// going back cuts the log there, and the session is rebuilt from what the log keeps.
    private var logEnds: [Int] = []
    let logStart: Int
    private(set) var position = 0
    /// Running on to the next section without asking.
    private(set) var continuing = false
    /// The current step was run and failed: a statement typed now replaces it.
    private(set) var failed = false
    /// The fix typed for a step that failed, by step: when `b` comes back to that step, the
    /// fix is what is shown and what Enter runs (the script's line failed once already).
    private(set) var fixes: [Int: String] = [:]

    /// What happened at a step: it ran (its statement or its fix), it was skipped, or an extra
    /// statement was typed by hand while it waited. (What ran is in the session log.)
    enum Ran: Equatable { case step(Int), skipped(Int), extra }

    init(source: String, origin: String, logStart: Int = 0) {
        steps = StatementReader.chunks(of: source, origin: origin).filter { !$0.isEmpty }
        self.logStart = logStart
    }

    static func parse(_ answer: String) -> Answer {
        switch answer.trimmingCharacters(in: .whitespaces) {
        case "": return .run
        case "s": return .skip
        case "b", ":back": return .back
        case "c": return .continueToMarker
        case "q", ":q", ":quit": return .quit
        case let other where other.hasPrefix(":") || other.hasPrefix("?"): return .meta(other)
        case let other: return .statement(other)
        }
    }

    var isDone: Bool { position >= steps.count }

    /// The fix typed earlier for the current step, which runs in place of its statement.
    var fix: String? { fixes[position] }

    /// Whether the current step waits for an answer (always, unless running on to a marker
    /// that this step's narration does not carry).
    mutating func waitsHere() -> Bool {
        guard continuing else { return true }
        let marks = steps[position].comments.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        if marks.contains(where: { $0.hasPrefix("# ---") || $0 == "# pause" }) { continuing = false }
        return !continuing
    }

    /// The current step ran (its statement, or its fix): on to the next. It failed: stay, and
    /// stop running on.
    mutating func record(ok: Bool, logEnd: Int) {
        if ok {
            append(.step(position), logEnd: logEnd)
            position += 1
        } else {
            continuing = false
        }
        failed = !ok
    }

    mutating func skip(logEnd: Int) { append(.skipped(position), logEnd: logEnd); position += 1; failed = false }
    mutating func startContinuing() { continuing = true }
    /// Ctrl-C during a step: the steps after it wait again.
    mutating func pause() { continuing = false }

    /// A statement typed by hand ran: after a failed step it is that step's fix (on to the
    /// next); otherwise an extra statement (the step still waits).
    mutating func typed(_ text: String, logEnd: Int) {
        append(failed ? .step(position) : .extra, logEnd: logEnd)
        if failed {
            fixes[position] = text
            position += 1
            failed = false
        }
    }

    private mutating func append(_ r: Ran, logEnd: Int) {
        ran.append(r)
        logEnds.append(logEnd)
    }

    /// Goes back one step: undoes the last thing that happened (a step run, fixed or skipped
    /// returns to be shown again) and returns how much of the session log to keep (the session
    /// is rebuilt by replaying that); nil when nothing needs replaying (a skip changed nothing).
    mutating func back() -> Int? {
        continuing = false
        failed = false
        let undone = ran.popLast()
        _ = logEnds.popLast()
        switch undone {
        case .skipped(let k)?:
            position = k
            return nil
        case .step(let k)?: position = k
        case .extra?: break
        case nil: return nil
        }
        return logEnds.last ?? logStart
    }

    /// The text of a step as shown: its narration, then the statement (or the fix that runs
    /// in its place, with the script's own line below it).
    func shown(_ k: Int) -> String {
        let c = steps[k]
        let narration = c.comments.isEmpty ? "" : c.comments + "\n"
        guard let fix = fixes[k] else { return narration + c.source.text }
        return narration + fix + "\n(your fix runs in place of the script's: " + c.source.text + ")"
    }
}

extension Repl {
    /// Steps through a script (see `Stepper`); returns false when the file cannot be read.
    func step(_ path: String) -> Bool {
        guard let source = readScript(path) else { return false }
        var stepper = Stepper(source: source, origin: path, logStart: log.entries.count)
        var shown = -1
        while !stepper.isDone && !quit {
            let k = stepper.position
            if k != shown { console.out("── step \(k + 1)/\(stepper.steps.count) ──\n\(stepper.shown(k))") }
            shown = k
            if stepper.waitsHere() {
                guard let answer = readAnswer() else { return true }
                switch Stepper.parse(answer) {
                case .run: stepper.record(ok: runStep(stepper), logEnd: log.entries.count)
                case .skip: stepper.skip(logEnd: log.entries.count)
                case .continueToMarker:
                    stepper.startContinuing()
                    stepper.record(ok: runStep(stepper), logEnd: log.entries.count)
                case .quit: return true
                case .back:
                    if let keep = stepper.back() { replay(keepingLog: keep) }
                    shown = -1
                case .statement(let text): if let whole = runTyped(text) { stepper.typed(whole, logEnd: log.entries.count) }
                case .meta(let line): stepMeta(line)
                }
            } else {
                stepper.record(ok: runStep(stepper), logEnd: log.entries.count)
            }
            if session.cancel.isSet { stepper.pause() }
            if stepper.failed { console.out("(type the corrected statement to run it instead, s to skip, b to go back)") }
        }
        return true
    }

    /// A meta-command typed at the step prompt: those that read or write the session as it is
    /// work (an instructor saves the stepped session before `q`); those that would change it
    /// under the stepper (:reset, :run, :step) wait for the prompt.
    private func stepMeta(_ line: String) {
        let command = line.split(separator: " ").first.map(String.init) ?? line
        guard line.hasPrefix("?") || [":save", ":export", ":history", ":vars", ":help", ":h", ":time"].contains(command) else {
            console.err("\(command) works at rec>, not while stepping (q stops stepping); here :save, :export, :history, :vars and ?name work")
            return
        }
        _ = meta(line)
    }

    /// Runs the current step: the fix typed for it earlier if there is one, else its statement.
    private func runStep(_ stepper: Stepper) -> Bool {
        guard let fix = stepper.fix else { return execute(stepper.steps[stepper.position]) }
        return StatementReader.chunks(of: fix, origin: "").allSatisfy { execute($0) }
    }

    private func readAnswer() -> String? {
        if interactive { return LineEditor.read("[Enter] run · s skip · b back · c continue · q stop · or type a fix > ") }
        return readLine()
    }

    /// Runs a statement typed at the step prompt, reading on at `...>` while a bracket is open
    /// (as the prompt does); its whole text if it ran.
    private func runTyped(_ first: String) -> String? {
        var reader = StatementReader(origin: "")
        var lines = [first], chunk = reader.feed(first)
        while chunk == nil && reader.isPending {
            guard let more = interactive ? LineEditor.read("...> ") : readLine() else { break }
            lines.append(more)
            chunk = reader.feed(more)
        }
        guard let whole = chunk ?? reader.finish() else { return nil }
        return execute(whole) ? lines.joined(separator: "\n") : nil
    }

    /// Cuts the log to its first `keep` entries and rebuilds the session by replaying them, with
    /// their outputs held back: the session is then what `:save` and a replay of it give, and
    /// `:history`, `:save` and `:export` no longer hold what `b` undid. A statement once stopped
    /// by Ctrl-C runs in full (said first: it may take long); Ctrl-C stops the replay there.
    private func replay(keepingLog keep: Int) {
        log.truncate(to: keep)
        let kept = log.entries.indices.filter { log.entries[$0].status != .failed }
        if let cut = kept.first(where: { log.entries[$0].status == .interrupted }) {
            console.out("(replaying \(kept.count) statements; \(log.entries[cut].source.split(separator: "\n").first ?? "") was stopped by Ctrl-C "
                        + "and runs in full now: Ctrl-C stops the replay)")
        }
        session.reset()
        session.reseed(logSeed)
        session.threads = BLAS.setThreads(logThreads)  // a threads(n) among the statements comes again
        let shown = session.output
        session.output = { _ in }
        defer { session.output = shown }
        // A statement may fail now that ran before (a file it read is gone): it is said, and
        // marked failed in the log, so that :history and :save hold what the session is.
        var failures: [String] = []
        for (n, k) in kept.enumerated() {
            let records = session.run(log.entries[k].source, origin: "", stopOnError: false)
            if session.cancel.isSet {
                console.out("(back: the replay was stopped by Ctrl-C during statement \(n + 1) of \(kept.count): "
                            + "the session holds what ran up to there, not what it was before this step)")
                return
            }
            if let e = records.first(where: { $0.status == .failed })?.error {
                log.markFailed(k)
                failures.append("\(log.entries[k].source.split(separator: "\n").first ?? "") (\(e.message))")
            }
        }
        guard failures.isEmpty else {
            console.out("(back: \(kept.count) statements replayed, but \(failures.count) failed this time and "
                        + "\(failures.count == 1 ? "is" : "are") left out of the history: " + failures.joined(separator: "; ")
                        + " — the session is what the others give, not what it was before this step)")
            return
        }
        console.out("(back: the session is as it was before this step — \(kept.count) statement\(kept.count == 1 ? "" : "s") replayed)")
    }
}
