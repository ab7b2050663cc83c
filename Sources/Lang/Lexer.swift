/// Turns source text into tokens. Newlines end statements except inside brackets; `#` starts
/// a comment to the end of the line.
public struct Lexer {
    let origin: String
    let chars: [Character]
    var index = 0, line = 1, column = 1
    var depth = 0

    public init(_ source: String, origin: String) {
        self.origin = origin
        chars = Array(source)
    }

    public static func tokenize(_ source: String, origin: String) throws -> [Token] {
        var lexer = Lexer(source, origin: origin)
        return try lexer.all()
    }

    mutating func all() throws -> [Token] {
        var tokens: [Token] = []
        while true {
            let t = try next()
            // Fold runs of newlines; none at the start.
            if t.kind == .newline && (tokens.isEmpty || tokens.last?.kind == .newline) { continue }
            tokens.append(t)
            if t.kind == .end { break }
        }
        return tokens
    }

    func span(_ startColumn: Int, _ length: Int, line: Int? = nil) -> SourceSpan {
        SourceSpan(origin: origin, line: line ?? self.line, column: startColumn, length: length)
    }

    mutating func advance() -> Character {
        let c = chars[index]
        index += 1
        column += 1
        return c
    }

    func peek(_ offset: Int = 0) -> Character? { index + offset < chars.count ? chars[index + offset] : nil }

    mutating func next() throws -> Token {
        // Skip blanks and comments; newlines inside brackets are blanks too.
        while let c = peek() {
            if c == " " || c == "\t" || c == "\r" || (c == "\n" && depth > 0) {
                if c == "\n" { index += 1; line += 1; column = 1 } else { _ = advance() }
            } else if c == "#" {
                while let d = peek(), d != "\n" { _ = advance() }
            } else {
                break
            }
        }
        guard let c = peek() else {
            return Token(kind: .end, span: span(column, 1), text: "")
        }
        let startColumn = column, startIndex = index
        if c == "\n" {
            index += 1
            let t = Token(kind: .newline, span: span(startColumn, 1), text: "\n")
            line += 1
            column = 1
            return t
        }
        if c.isNumber || (c == "." && (peek(1)?.isNumber ?? false)) {
            return try number(startColumn, startIndex)
        }
        if c.isLetter || c == "_" {
            while let d = peek(), d.isLetter || d.isNumber || d == "_" { _ = advance() }
            let text = String(chars[startIndex..<index])
            let kind: TokenKind = text == "true" ? .trueLiteral : text == "false" ? .falseLiteral : .identifier(text)
            return Token(kind: kind, span: span(startColumn, text.count), text: text)
        }
        if c == "\"" || c == "'" {
            return try string(quote: c, startColumn)
        }
        _ = advance()
        let kind: TokenKind
        switch c {
        case "(": kind = .leftParen; depth += 1
        case ")": kind = .rightParen; depth = Swift.max(0, depth - 1)
        case "[": kind = .leftBracket; depth += 1
        case "]": kind = .rightBracket; depth = Swift.max(0, depth - 1)
        case ",": kind = .comma
        case ":": kind = .colon
        case "=": kind = .equals
        case ".": kind = .dot
        case ";": kind = .semicolon
        case "+": kind = .plus
        case "-": kind = .minus
        case "*": kind = .star
        case "/": kind = .slash
        case "@": kind = .at
        default:
            throw LangError(.syntax, "unexpected character '\(c)'", span(startColumn, 1))
        }
        return Token(kind: kind, span: span(startColumn, 1), text: String(c))
    }

    mutating func number(_ startColumn: Int, _ startIndex: Int) throws -> Token {
        while let d = peek(), d.isNumber || d == "_" { _ = advance() }
        if peek() == ".", let d = peek(1), d.isNumber { _ = advance(); while let d = peek(), d.isNumber { _ = advance() } }
        if let e = peek(), e == "e" || e == "E" {
            let sign = peek(1) == "-" || peek(1) == "+"
            if let d = peek(sign ? 2 : 1), d.isNumber {
                _ = advance()
                if sign { _ = advance() }
                while let d = peek(), d.isNumber { _ = advance() }
            }
        }
        let text = String(chars[startIndex..<index])
        guard let v = Double(text.replacingOccurrences(of: "_", with: "")), v.isFinite else {
            throw LangError(.syntax, "'\(text)' is not a number", span(startColumn, text.count))
        }
        if let d = peek(), d.isLetter {
            throw LangError(.syntax, "a number runs into a name here ('\(text)\(d)')", span(startColumn, text.count + 1))
        }
        return Token(kind: .number(v), span: span(startColumn, text.count), text: text)
    }

    mutating func string(quote: Character, _ startColumn: Int) throws -> Token {
        let startLine = line
        _ = advance()
        var value = ""
        while true {
            guard let c = peek(), c != "\n" else {
                throw LangError(.syntax, "this string is not closed (a \(quote) is missing)", span(startColumn, column - startColumn, line: startLine))
            }
            _ = advance()
            if c == quote { break }
            if c == "\\" {
                guard let e = peek(), e != "\n" else { continue }
                _ = advance()
                switch e {
                case "n": value.append("\n")
                case "t": value.append("\t")
                default: value.append(e)
                }
            } else {
                value.append(c)
            }
        }
        return Token(kind: .string(value), span: span(startColumn, column - startColumn), text: value)
    }

    /// Whether the source ends inside an open bracket (the REPL then asks for more).
    public static func isIncomplete(_ source: String) -> Bool {
        var lexer = Lexer(source, origin: "")
        while let t = try? lexer.next() {
            if t.kind == .end { return lexer.depth > 0 }
        }
        // An unclosed string at the end of the input is an error, not a continuation.
        return false
    }
}
