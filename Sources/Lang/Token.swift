/// Where a piece of source sits: its origin (a file name, or "" for the prompt), 1-based
/// line and column, and its length in characters on that line.
public struct SourceSpan: Equatable, Sendable, CustomStringConvertible {
    public let origin: String
    public let line: Int
    public let column: Int
    public let length: Int

    public init(origin: String, line: Int, column: Int, length: Int) {
        self.origin = origin
        self.line = line
        self.column = column
        self.length = Swift.max(1, length)
    }

    /// From the start of `self` to the end of `other` (same line; else just `self`'s line to its end).
    public func through(_ other: SourceSpan) -> SourceSpan {
        guard other.line == line else { return self }
        return SourceSpan(origin: origin, line: line, column: column, length: other.column + other.length - column)
    }

    public var description: String { origin.isEmpty ? "\(line):\(column)" : "\(origin):\(line):\(column)" }
}

public enum TokenKind: Equatable, Sendable {
    case number(Double)
    case string(String)
    case identifier(String)
    case trueLiteral, falseLiteral
    case leftParen, rightParen, leftBracket, rightBracket
    case comma, colon, equals, dot, semicolon
    case plus, minus, star, slash, at
    case arrow
    case newline
    case end
}

public struct Token: Sendable {
    public let kind: TokenKind
    public let span: SourceSpan
    /// The source text of the token.
    public let text: String
}
