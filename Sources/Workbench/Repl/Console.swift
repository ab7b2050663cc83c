import Foundation
import Lang

/// Renders a session's outputs on a terminal or into pipes: values and notes to stdout,
/// warnings and errors (with the source line and a caret) to stderr, progress as one line
/// redrawn in place on a terminal (never wider than it) and not at all otherwise.
final class Console {
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

    /// Renders an output the session emits while a statement runs.
    func render(_ o: Output) {
        if case .progress(let p) = o { return progress(p) }
        guard let text = o.plainText else { return }
        if case .value(let v) = o { return out(Palette.value(v, text: text)) }
        o.isDiagnostic ? err(Palette.diagnostic(text)) : out(text)
    }

    func progress(_ p: ProgressReport) {
        guard interactive else { return }
        let columns = Console.columns()
        var line = p.text
        if let f = p.fraction, columns >= 60 {
            let width = 24, filled = Swift.max(0, Swift.min(width, Int((f * Double(width)).rounded())))
            line = "[" + String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled) + "] " + line
        }
        // A line wider than the terminal would wrap, and \r would then redraw only its tail.
        if line.count >= columns { line = String(line.prefix(Swift.max(1, columns - 2))) + "…" }
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + line).utf8))
        progressShown = true
    }

    /// Ends a progress line left by a statement that printed nothing after it.
    func endProgress() { clearProgress() }

    private func clearProgress() {
        if progressShown {
            FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
            progressShown = false
        }
    }

    /// The terminal's width in columns (80 when it cannot be told).
    static func columns() -> Int {
        var size = winsize()
        if ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        return 80
    }
}
