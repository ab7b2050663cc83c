/// A problem with an input file, naming the place: `file:line: message` (no line when the
/// problem is the whole file: missing, empty, unreadable).
public struct DataError: Error, CustomStringConvertible, Equatable, Sendable {
    public let file: String
    public let line: Int?
    public let message: String

    public init(file: String, line: Int? = nil, _ message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    /// Always one line: a stray line break in a message becomes a visible ⏎.
    public var description: String {
        let text = message.contains(where: \.isNewline) ? String(message.map { $0.isNewline ? "⏎" : $0 }) : message
        if let line { return "\(file):\(line): \(text)" }
        return "\(file): \(text)"
    }

    /// Text from a file, quoted for a message: at most `limit` characters, control characters
    /// shown as `\u{…}` escapes, so a message stays one short line whatever the file holds.
    public static func quote<S: StringProtocol>(_ text: S, limit: Int = 40) -> String {
        var out = ""
        for (k, ch) in text.unicodeScalars.enumerated() {
            if k == limit { out += "…"; break }
            out += ch.properties.generalCategory == .control || ch == "\u{2028}" || ch == "\u{2029}" ? ch.escaped(asASCII: true) : String(ch)
        }
        return "'" + out + "'"
    }
}
