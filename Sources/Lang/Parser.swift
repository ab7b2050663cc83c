/// Recursive descent over the tokens: statements, then expressions with the usual
/// precedence (`* / @` above `+ -`, unary minus above both, calls, members and indexing
/// above all). A newline ends a statement except inside brackets, which the grammar knows;
/// input that ends inside a bracket is reported as `.incomplete` — how the reader tells
/// that a statement goes on. Nesting is limited so that no input can exhaust the stack.
public struct Parser {
    /// How deep expressions may nest (brackets, calls, operator chains, members): deep enough
    /// for any real script, shallow enough that parsing, checking and evaluating stay far
    /// from the end of the stack.
    public static let maxDepth = 200

    let tokens: [Token]
    let lines: [Substring]
    let firstLine: Int
    var position = 0
    /// The brackets open around the current token, innermost last: newlines inside them are
    /// blanks, and an input that ends inside one is reported there.
    var openers: [Token] = []
    var open: Int { openers.count }
    /// The depth of the expression being built (see `maxDepth`).
    var depth = 0

    public static func parse(_ source: String, origin: String, firstLine: Int = 1) throws -> [ParsedStatement] {
        var parser = Parser(tokens: try Lexer.tokenize(source, origin: origin, firstLine: firstLine),
                            lines: source.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }),
                            firstLine: firstLine)
        return try parser.program()
    }

    init(tokens: [Token], lines: [Substring], firstLine: Int) {
        self.tokens = tokens
        self.lines = lines
        self.firstLine = firstLine
    }

    /// The current token; inside brackets newlines are skipped first.
    var current: Token {
        mutating get {
            while open > 0 && tokens[position].kind == .newline { position += 1 }
            return tokens[position]
        }
    }

    /// The token after the current one (for `name =` and `name:`).
    mutating func following() -> Token {
        _ = current
        var k = position + 1
        while open > 0 && k < tokens.count - 1 && tokens[k].kind == .newline { k += 1 }
        return tokens[Swift.min(k, tokens.count - 1)]
    }

    mutating func advance() -> Token {
        let t = current
        if position < tokens.count - 1 { position += 1 }
        return t
    }

    mutating func check(_ kind: TokenKind) -> Bool { current.kind == kind }

    mutating func expect(_ kind: TokenKind, _ what: String) throws -> Token {
        if check(kind) { return advance() }
        if current.kind == .end { throw ended("the input ends before \(what)") }
        var e = LangError(.syntax, "expected \(what), found \(describe(current))", current.span)
        if let opener = openers.last, opener.span.line < current.span.line {
            e.hint = "the \(describe(opener)) at \(opener.span.line):\(opener.span.column) is still open: a bracket's lines join until it closes"
        }
        throw e
    }

    /// The input ended inside a statement: reported at the innermost bracket left open, where
    /// the fix goes, else at the end.
    mutating func ended(_ message: String) -> LangError {
        guard let opener = openers.last else { return LangError(.incomplete, message, current.span) }
        return LangError(.incomplete, "\(describe(opener)) is never closed: \(message)", opener.span)
    }

    /// One level deeper; an error past `maxDepth`. Callers restore `depth` when done.
    mutating func deeper(_ at: SourceSpan) throws {
        depth += 1
        if depth > Parser.maxDepth {
            throw LangError(.syntax, "this expression nests more than \(Parser.maxDepth) levels deep", at,
                            hint: "split it into named steps")
        }
    }

    /// Runs `body` inside a bracket that was just opened (newlines are blanks until it closes).
    mutating func bracketed<T>(_ opener: Token, _ body: (inout Parser) throws -> T) rethrows -> T {
        openers.append(opener)
        defer { openers.removeLast() }
        return try body(&self)
    }

    func describe(_ t: Token) -> String {
        switch t.kind {
        case .newline: return "the end of the line"
        case .end: return "the end of the input"
        case .string: return "a string"
        case .number: return "the number \(t.text)"
        case .identifier(let n): return "'\(n)'"
        default: return "'\(t.text)'"
        }
    }

    mutating func program() throws -> [ParsedStatement] {
        var out: [ParsedStatement] = []
        while !check(.end) {
            if check(.newline) || check(.semicolon) { _ = advance(); continue }
            let firstLine = current.span.line
            depth = 0
            let statement = try self.statement()
            var silent = false
            if check(.semicolon) { _ = advance(); silent = true }
            let lastLine = tokens[Swift.max(0, position - 1)].span.line
            if !check(.newline) && !check(.end) {
                throw LangError(.syntax, "expected the end of the statement, found \(describe(current))", current.span,
                                hint: "one statement a line")
            }
            let text = lines[(firstLine - self.firstLine)..<Swift.min(lines.count, lastLine - self.firstLine + 1)].joined(separator: "\n")
            out.append(ParsedStatement(statement: statement, silent: silent, source: text))
        }
        return out
    }

    mutating func statement() throws -> Statement {
        if case .identifier(let name) = current.kind, following().kind == .equals {
            let span = advance().span
            _ = advance()
            if check(.newline) || check(.end) {
                throw LangError(.syntax, "expected a value after '='", current.span)
            }
            return .assign(name, span, try expression())
        }
        return .expression(try expression())
    }

    mutating func expression() throws -> Expr { try additive() }

    mutating func additive() throws -> Expr {
        let saved = depth
        defer { depth = saved }
        var left = try multiplicative()
        while check(.plus) || check(.minus) {
            try deeper(current.span)
            let op: BinaryOperator = advance().kind == .plus ? .add : .sub
            let right = try multiplicative()
            left = .binary(op, left, right, left.span.through(right.span))
        }
        return left
    }

    mutating func multiplicative() throws -> Expr {
        let saved = depth
        defer { depth = saved }
        var left = try unary()
        while check(.star) || check(.slash) || check(.at) {
            try deeper(current.span)
            let t = advance()
            let op: BinaryOperator = t.kind == .star ? .mul : t.kind == .slash ? .div : .matmul
            let right = try unary()
            left = .binary(op, left, right, left.span.through(right.span))
        }
        return left
    }

    mutating func unary() throws -> Expr {
        if check(.minus) {
            let saved = depth
            defer { depth = saved }
            try deeper(current.span)
            let span = advance().span
            let operand = try unary()
            return .unaryMinus(operand, span.through(operand.span))
        }
        return try postfix()
    }

    mutating func postfix() throws -> Expr {
        let saved = depth
        defer { depth = saved }
        var e = try primary()
        while true {
            if check(.leftParen) || check(.dot) || check(.leftBracket) { try deeper(current.span) }
            if check(.leftParen) {
                let (args, close) = try bracketed(advance()) { p in
                    let args = try p.arguments()
                    // `negatives=32`, as Python writes it: the name parsed as an argument, then `=`.
                    if p.check(.equals), case .name(let n, _)? = args.last?.value, args.last?.label == nil {
                        throw LangError(.syntax, "expected ')' to close the call, found '='", p.current.span,
                                        hint: "a named argument is written name: value, as in \(n): …")
                    }
                    return (args, try p.expect(.rightParen, "')' to close the call"))
                }
                e = .call(e, args, e.span.through(close.span))
            } else if check(.dot) {
                _ = advance()
                let t = current
                guard case .identifier(let name) = t.kind else {
                    if t.kind == .end { throw ended("the input ends after '.'") }
                    throw LangError(.syntax, "expected a member name after '.', found \(describe(t))", t.span)
                }
                _ = advance()
                e = .member(e, name, t.span)
            } else if check(.leftBracket) {
                e = try bracketed(advance()) { p in try p.subscripted(e) }
            } else {
                return e
            }
        }
    }

    /// `e[i]` or `e[lo:hi]`, after the `[`.
    mutating func subscripted(_ e: Expr) throws -> Expr {
        var lower: Expr? = nil
        if !check(.colon) { lower = try expression() }
        if check(.colon) {
            _ = advance()
            let upper: Expr? = check(.rightBracket) ? nil : try expression()
            let close = try expect(.rightBracket, "']' to close the slice")
            return .slice(e, lower, upper, e.span.through(close.span))
        }
        let close = try expect(.rightBracket, "']' to close the index")
        guard let lower else { throw LangError(.syntax, "expected an index", close.span) }
        return .index(e, lower, e.span.through(close.span))
    }

    mutating func arguments() throws -> [CallArgument] {
        var args: [CallArgument] = []
        var sawKeyword = false
        while !check(.rightParen) {
            if case .identifier(let name) = current.kind, following().kind == .colon {
                let span = advance().span
                _ = advance()
                args.append(CallArgument(label: name, labelSpan: span, value: try expression()))
                sawKeyword = true
            } else {
                let value = try expression()
                if sawKeyword {
                    throw LangError(.syntax, "a positional argument after keyword arguments", value.span,
                                    hint: "put positional arguments first")
                }
                args.append(CallArgument(label: nil, labelSpan: nil, value: value))
            }
            if check(.comma) { _ = advance() } else { break }
        }
        return args
    }

    mutating func primary() throws -> Expr {
        let t = current
        switch t.kind {
        case .number(let v): _ = advance(); return .number(v, t.span)
        case .string(let s): _ = advance(); return .string(s, t.span)
        case .trueLiteral: _ = advance(); return .bool(true, t.span)
        case .falseLiteral: _ = advance(); return .bool(false, t.span)
        case .identifier(let n): _ = advance(); return .name(n, t.span)
        case .leftParen:
            if let f = try function() { return f }
            _ = advance()
            try deeper(t.span)
            defer { depth -= 1 }
            return try bracketed(t) { p in
                let e = try p.expression()
                _ = try p.expect(.rightParen, "')'")
                return e
            }
        case .leftBracket:
            _ = advance()
            try deeper(t.span)
            defer { depth -= 1 }
            return try bracketed(t) { p in
                var items: [Expr] = []
                while !p.check(.rightBracket) {
                    items.append(try p.expression())
                    if p.check(.comma) { _ = p.advance() } else { break }
                }
                let close = try p.expect(.rightBracket, "']' to close the list")
                return .list(items, t.span.through(close.span))
            }
        case .end:
            throw ended("the input ends where a value was expected")
        default:
            // `:vars` and the other meta-commands belong to the prompt, not to the language.
            throw LangError(.syntax, "expected a value, found \(describe(t))", t.span,
                            hint: t.kind == .colon && t.span.column == 1 ? "meta-commands such as :vars are the prompt's; in a script or a notebook cell use vars(), help(\"name\")" : nil)
        }
    }

    /// `(a, b = 1) -> body` at the current `(`, or nil (and nothing consumed) when the
    /// parenthesis opens an ordinary expression. A newline may follow the arrow.
    mutating func function() throws -> Expr? {
        var trial = self
        guard let parameters = trial.parameterList(), trial.check(.arrow) else { return nil }
        self = trial
        let start = current.span
        _ = advance()
        try deeper(start)
        defer { depth -= 1 }
        while check(.newline) { _ = advance() }
        let body = try expression()
        return .function(try resolvedDefaults(parameters), body, start.through(body.span))
    }

    /// The parameter names of a function literal with the tokens of their defaults, or nil
    /// when this is not one. Defaults are parsed afterwards (`resolvedDefaults`).
    mutating func parameterList() -> [(Token, Parser?)]? {
        openers.append(advance())
        defer { openers.removeLast() }
        var out: [(Token, Parser?)] = []
        while !check(.rightParen) {
            let name = current
            guard case .identifier = name.kind else { return nil }
            _ = advance()
            var defaultParser: Parser? = nil
            if check(.equals) {
                _ = advance()
                defaultParser = self
                guard (try? expression()) != nil else { return nil }
            }
            out.append((name, defaultParser))
            if check(.comma) { _ = advance() } else { break }
        }
        guard check(.rightParen) else { return nil }
        _ = advance()
        return out
    }

    func resolvedDefaults(_ list: [(Token, Parser?)]) throws -> [FunctionParameter] {
        var seen = Set<String>()
        return try list.map { token, parser in
            guard case .identifier(let name) = token.kind else { throw LangError(.syntax, "expected a parameter name", token.span) }
            guard seen.insert(name).inserted else { throw LangError(.syntax, "the parameter \(name) is named twice", token.span) }
            var p = parser
            return FunctionParameter(name: name, span: token.span, defaultValue: try p?.expression())
        }
    }
}
