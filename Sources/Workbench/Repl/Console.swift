import Foundation
import Lang

/// Prints outcomes and progress: values to stdout, errors rendered to stderr (with the source
/// line and a caret), progress as a redrawn line on a terminal and one line per epoch otherwise.
final class Console: SessionDelegate {
    let interactive: Bool
    private var progressShown = false

    init(interactive: Bool) { self.interactive = interactive }

    func out(_ s: String) {
        clearProgress()
        FileHandle.standardOutput.write(Data((s + "\n").utf8))
    }

    func err(_ s: String) {
        clearProgress()
        FileHandle.standardError.write(Data((s.hasSuffix("\n") ? s : s + "\n").utf8))
    }

    /// Prints what statements came to; returns whether one failed.
    @discardableResult
    func show(_ outcomes: [Outcome], source: String) -> Bool {
        outcomes.reduce(false) { show($1, source: source) || $0 }
    }

    /// Prints one statement's outcome; returns whether it failed.
    func show(_ o: Outcome, source: String) -> Bool {
        let (text, failed) = Console.render(o, source: source)
        if !text.isEmpty { failed ? err(text) : out(text) }
        return failed
    }

    /// What an outcome prints, and whether it is an error.
    static func render(_ o: Outcome, source: String) -> (String, Bool) {
        switch o.result {
        case .value(let v):
            return ((o.statement?.silent ?? false) ? "" : v.display, false)
        case .bound:
            return ("", false)
        case .error(let e):
            return (Diagnostic.render(e, source: source).trimmingCharacters(in: .newlines), true)
        }
    }

    /// Renders an output the session emits while a statement runs.
    func render(_ o: Output) {
        switch o {
        case .value(let v): if !v.display.isEmpty { out(v.display) }
        case .note(let line): out(line)
        case .warning(let message): err("warning: " + message)
        case .progress(let p): progress(p.text, fraction: p.fraction)
        case .error(let e, let source): err(Diagnostic.render(e, source: source.text).trimmingCharacters(in: .newlines))
        }
    }

    func progress(_ text: String, fraction: Double?) {
        guard interactive else { return }
        var line = text
        if let f = fraction {
            let width = 24, filled = Int((f * Double(width)).rounded())
            line = "[" + String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled) + "] " + text
        }
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + line).utf8))
        progressShown = true
    }

    func progressDone(_ line: String) {
        out(line)
    }

    /// Ends a progress line left by a statement that printed nothing after it.
    func endProgress() { clearProgress() }

    private func clearProgress() {
        if progressShown {
            FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
            progressShown = false
        }
    }
}

/// Ctrl-C sets the running session's cancel flag (checked between batches); the signal
/// handler captures nothing, so it reads the flag from here.
enum Interrupts {
    nonisolated(unsafe) static var flag: CancelFlagBox?

    static func install(_ session: Session) {
        flag = CancelFlagBox(session)
        signal(SIGINT) { _ in Interrupts.flag?.set() }
    }
}

final class CancelFlagBox: @unchecked Sendable {
    let session: Session
    init(_ s: Session) { session = s }
    func set() { session.cancel.set() }
}
