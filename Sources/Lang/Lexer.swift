/// Turns source text into tokens; `#` starts a comment to the end of the line. Every newline
/// is a token: whether it ends a statement is the parser's call (not inside brackets).
public struct Lexer {
    let origin: String
    let chars: [Character]
    var index = 0, line: Int, column = 1

    /// `firstLine`: the line number of the text's first line in its origin (spans name real lines).
    public init(_ source: String, origin: String, firstLine: Int = 1) {
        self.origin = origin
        chars = Array(source)
        line = firstLine
    }

    public static func tokenize(_ source: String, origin: String, firstLine: Int = 1) throws -> [Token] {
        var lexer = Lexer(source, origin: origin, firstLine: firstLine)
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
        // Skip blanks and comments.
        while let c = peek() {
            if c == " " || c == "\t" || c == "\r" || c == "\u{FEFF}" {
                _ = advance()
            } else if c == "#" {
                while let d = peek(), d != "\n", d != "\r\n" { _ = advance() }
            } else {
                break
            }
        }
        guard let c = peek() else {
            return Token(kind: .end, span: span(column, 1), text: "")
        }
        let startColumn = column, startIndex = index
        if c == "\n" || c == "\r\n" {
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
        if c == "-" && peek(1) == ">" {
            _ = advance(); _ = advance()
            return Token(kind: .arrow, span: span(startColumn, 2), text: "->")
        }
        _ = advance()
        let kind: TokenKind
        switch c {
        case "(": kind = .leftParen
        case ")": kind = .rightParen
        case "[": kind = .leftBracket
        case "]": kind = .rightBracket
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
            // What came before on this line: `%` or `!` first is IPython's, later an operator.
            var k = index - 2
            while k >= 0 && (chars[k] == " " || chars[k] == "\t") { k -= 1 }
            let first = k < 0 || chars[k] == "\n" || chars[k] == "\r\n"
            if let (what, hint) = Self.lookalike(c, first: first) {
                throw LangError(.syntax, "unexpected character '\(c)' (\(what))", span(startColumn, 1), hint: hint)
            }
            // `?name` is the prompt's (and a one-line cell's) help, not part of a statement.
            throw LangError(.syntax, "unexpected character '\(c)'", span(startColumn, 1),
                            hint: c == "?" ? "?name works on a line of its own at the prompt (or a cell of its own); help(\"name\") works anywhere" : nil)
        }
        return Token(kind: kind, span: span(startColumn, 1), text: String(c))
    }

    /// Characters that text pasted from slides, PDFs and word processors brings along, or that
    /// IPython habits type: what each is (invisible ones by code point) and what to type instead.
    static func lookalike(_ c: Character, first: Bool = true) -> (String, String)? {
        guard let scalar = c.unicodeScalars.first else { return nil }
        let code = String(format: "U+%04X", scalar.value)
        switch scalar.value {
        case 0x201C, 0x201D, 0x201E, 0x201F, 0x2033, 0x00AB, 0x00BB:
            return ("\(code), a typographic quote", "strings take straight quotes: \"…\" or '…' (text pasted from slides or a word processor curls them)")
        case 0x2018, 0x2019, 0x201A, 0x201B, 0x2032:
            return ("\(code), a typographic quote", "strings take straight quotes: '…' or \"…\" (text pasted from slides or a word processor curls them)")
        case 0x00A0, 0x2000...0x200A, 0x202F, 0x205F, 0x3000:
            return ("\(code), a no-break or typographic space", "it looks like a space but is not one: retype it as a plain space (text pasted from slides or a PDF)")
        case 0x200B...0x200D, 0x2060, 0xFEFF:
            return ("\(code), an invisible zero-width character", "delete it: the caret is just before it (text pasted from a web page or a PDF)")
        case 0x2212, 0x2010...0x2015, 0xFE63, 0xFF0D:
            return ("\(code), a dash, not the minus sign", "type the minus as - (text pasted from slides or a PDF)")
        case 0x00D7, 0x2217, 0x22C5:
            return ("\(code), a multiplication sign", "multiply with *, and take a matrix product with @")
        case 0x00F7, 0x2215:
            return ("\(code), a division sign", "divide with /")
        case 0x25 where first: return ("IPython's magics", "rec has no % magics: :time on times every statement at the prompt, and fit prints how long each epoch took")
        case 0x21 where first: return ("a shell escape", "rec runs no shell commands: use a terminal beside it (:run FILE runs a script in this session)")
        case 0x25: return ("no such operator", "rec has + - * / and @ (the matrix product); there is no remainder")
        case 0x21: return ("no such operator", "rec has no comparisons or negation: there are no conditions in the language")
        default: return nil
        }
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
            guard let c = peek(), c != "\n", c != "\r\n" else {
                throw LangError(.syntax, "this string is not closed (a \(quote) is missing)", span(startColumn, column - startColumn, line: startLine))
            }
            _ = advance()
            if c == quote { break }
            if c == "\\" {
                guard let e = peek(), e != "\n", e != "\r\n" else { continue }
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
}
