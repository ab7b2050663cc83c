import Foundation
import Lang
@preconcurrency import Rainbow

/// Colour for a person at a terminal: errors and warnings, table headers and numbers (not
/// the prompt: libedit's readline layer dropped the reset after a coloured prompt, so typed
/// text came out coloured too). Off when stdin, stdout or stderr is not a terminal, when `NO_COLOR` is set
/// (no-color.org) or `TERM` is dumb — so pipes, files and tests get plain text.
enum Palette {
    nonisolated(unsafe) static var enabled = false

    static func configure(interactive: Bool) {
        let env = ProcessInfo.processInfo.environment
        let noColor = !(env["NO_COLOR"] ?? "").isEmpty || env["TERM"] == "dumb"
        enabled = interactive && !noColor && isatty(STDOUT_FILENO) == 1 && isatty(STDERR_FILENO) == 1
        Rainbow.outputTarget = enabled ? .console : .unknown
        Rainbow.enabled = enabled
    }

    /// An error or warning: its first line's "error:"/"warning:" in colour, the rest plain.
    static func diagnostic(_ text: String) -> String {
        guard enabled else { return text }
        for (word, paint) in [("error:", { (s: String) in s.red.bold }), ("warning:", { (s: String) in s.yellow.bold }), ("hint:", { (s: String) in s.cyan })] {
            if let r = text.range(of: word) { return text.replacingCharacters(in: r, with: paint(word)) }
        }
        return text
    }

    /// A value: tables with a bold header and coloured numeric cells, numbers coloured.
    static func value(_ v: Value, text: String) -> String {
        guard enabled else { return text }
        if case .number = v { return text.cyan }
        guard case .object(let o) = v, let t = o.table else { return text }
        let plain = t.text
        let lines = plain.split(separator: "\n", omittingEmptySubsequences: false)
        guard let header = lines.first, text.contains(plain) else { return text }
        // The table inside the value's text (a sweep's has lines above and below it).
        return text.replacingOccurrences(of: plain, with: ([String(header).bold] + lines.dropFirst().map(numbers)).joined(separator: "\n"))
    }

    /// Number-looking words of a table row in colour.
    static func numbers(_ line: Substring) -> String {
        line.split(separator: " ", omittingEmptySubsequences: false).map { w in
            Double(w) != nil ? String(w).cyan : String(w)
        }.joined(separator: " ")
    }
}
