/// One reader for every way statements enter — the prompt, piped input, `rec run`, `:run`,
/// `:step`, the notebook kernel, the golden tests: lines go in, complete chunks come out.
/// Whether a chunk is complete is the parser's answer (a statement goes on while a bracket
/// is open); a chunk keeps the line it started on, so errors name real lines.
public struct StatementReader {
    /// A statement's text is re-parsed as each of its lines arrives; past this many lines an
    /// unclosed bracket is reported instead of read on (keeps reading linear in the input).
    public static let maxStatementLines = 2_000

    public let origin: String
    private var pending: [Substring] = []
    /// Comment and blank lines read since the last chunk (shown with the next statement by `:step`).
    private var comments: [Substring] = []
    private var firstLine = 1
    private var lineNumber = 0
    /// Characters handed to the parser so far (a test holds this linear in the input).
    private(set) var parsedCharacters = 0

    public init(origin: String) { self.origin = origin }

    /// Whether a statement has begun and is not complete yet (the prompt shows `...>`).
    public var isPending: Bool { !pending.isEmpty }

    /// Adds a line; returns a chunk once the statement(s) it completes can run.
    public mutating func feed<S: StringProtocol>(_ line: S) -> Chunk? {
        lineNumber += 1
        if pending.isEmpty {
            firstLine = lineNumber
            if Self.isBlank(line) {
                comments.append(Substring(line))
                return nil
            }
        }
        pending.append(Substring(line))
        let text = pending.joined(separator: "\n")
        parsedCharacters += text.utf8.count
        let parsed = Result { try Parser.parse(text, origin: origin, firstLine: firstLine) }
        if case .failure(let e as LangError) = parsed, e.kind == .incomplete, pending.count < Self.maxStatementLines {
            return nil
        }
        return take(text, parsed)
    }

    private mutating func take(_ text: String, _ parsed: Result<[ParsedStatement], any Error>) -> Chunk {
        defer { pending = []; comments = [] }
        let leading = comments.drop(while: { $0.allSatisfy { $0 == " " || $0 == "\t" || $0 == "\r" } })
        return Chunk(source: SourceText(text, firstLine: firstLine), parsed: parsed, comments: leading.joined(separator: "\n"))
    }

    /// What is left at the end of the input: an unfinished statement, which runs into its
    /// "incomplete input" error.
    public mutating func finish() -> Chunk? {
        guard !pending.isEmpty else { return nil }
        let text = pending.joined(separator: "\n")
        return take(text, Result { try Parser.parse(text, origin: origin, firstLine: firstLine) })
    }

    /// A line read but not fed (a meta-command of piped input): later lines keep their numbers.
    public mutating func skipLine() { lineNumber += 1 }

    /// Drops a half-typed statement (Ctrl-C at the prompt).
    public mutating func discard() { pending = []; comments = [] }

    /// Every chunk of a whole text (a file), in order.
    public static func chunks(of source: String, origin: String) -> [Chunk] {
        var reader = StatementReader(origin: origin), out: [Chunk] = []
        for line in lines(of: source) {
            if let c = reader.feed(line) { out.append(c) }
        }
        if let c = reader.finish() { out.append(c) }
        return out
    }

    /// The lines of a text, split at `\n` or `\r\n`.
    public static func lines(of source: String) -> [Substring] {
        source.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
    }

    static func isBlank<S: StringProtocol>(_ line: S) -> Bool {
        let t = line.drop(while: { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\u{FEFF}" })
        return t.isEmpty || t.hasPrefix("#")
    }
}

/// Complete input: its text (with the line it starts on) and what the parser made of it —
/// the statements, or the syntax error.
public struct Chunk {
    public let source: SourceText
    public let parsed: Result<[ParsedStatement], any Error>
    /// The comment lines just before it (blank lines between them kept), or "".
    public let comments: String

    /// Whether the chunk is only comments and blank lines.
    public var isEmpty: Bool {
        if case .success(let s) = parsed { return s.isEmpty }
        return false
    }
}
