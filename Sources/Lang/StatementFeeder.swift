/// Collects input lines into complete statements (a statement goes on while a bracket is
/// open), remembering where each began — what the REPL and piped input feed to `run`.
public struct StatementFeeder {
    private var pending = ""
    private var firstLine = 1
    private var lineNumber = 0

    public init() {}

    public var isPending: Bool { !pending.isEmpty }

    /// Adds a line; returns the statement text and its first line number once complete.
    public mutating func feed(_ line: String) -> (text: String, line: Int)? {
        lineNumber += 1
        if pending.isEmpty { firstLine = lineNumber }
        pending += (pending.isEmpty ? "" : "\n") + line
        if Lexer.isIncomplete(pending) { return nil }
        defer { pending = "" }
        return (pending, firstLine)
    }

    /// What is left at the end of the input (an unfinished statement, reported as such by `run`).
    public mutating func finish() -> (text: String, line: Int)? {
        guard !pending.isEmpty else { return nil }
        defer { pending = "" }
        return (pending, firstLine)
    }
}

extension Interpreter {
    /// Runs one statement's text that starts on line `line` of its origin, so that errors
    /// name the real line; returns the outcomes and the source they refer to.
    public func run(statement text: String, origin: String, line: Int) -> (outcomes: [Outcome], source: String) {
        let source = String(repeating: "\n", count: Swift.max(0, line - 1)) + text
        return (run(source, origin: origin, stopOnError: false), source)
    }
}
