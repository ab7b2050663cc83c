/// Recursive descent over the tokens: statements, then expressions with the usual
/// precedence (`* / @` above `+ -`, unary minus above both, calls, members and indexing
/// above all). Input that ends inside a bracket is reported as incomplete.
public struct Parser {
    let tokens: [Token]
    let lines: [Substring]
    var position = 0

    public static func parse(_ source: String, origin: String) throws -> [ParsedStatement] {
        var parser = Parser(tokens: try Lexer.tokenize(source, origin: origin),
                            lines: source.split(separator: "\n", omittingEmptySubsequences: false))
        return try parser.program()
    }

    init(tokens: [Token], lines: [Substring]) {
        self.tokens = tokens
        self.lines = lines
    }

    var current: Token { tokens[position] }

    mutating func advance() -> Token {
        let t = tokens[position]
        if position < tokens.count - 1 { position += 1 }
        return t
    }

    func check(_ kind: TokenKind) -> Bool { current.kind == kind }

    mutating func expect(_ kind: TokenKind, _ what: String) throws -> Token {
        if check(kind) { return advance() }
        if current.kind == .end { throw LangError(.incomplete, "the input ends before \(what)", current.span) }
        throw LangError(.syntax, "expected \(what), found \(describe(current))", current.span)
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
            let statement = try self.statement()
            var silent = false
            if check(.semicolon) { _ = advance(); silent = true }
            let lastLine = tokens[Swift.max(0, position - 1)].span.line
            if !check(.newline) && !check(.end) {
                throw LangError(.syntax, "expected the end of the statement, found \(describe(current))", current.span,
                                hint: "one statement a line")
            }
            let text = lines[(firstLine - 1)..<Swift.min(lines.count, lastLine)].joined(separator: "\n")
            out.append(ParsedStatement(statement: statement, silent: silent, source: text))
        }
        return out
    }

    mutating func statement() throws -> Statement {
        if case .identifier(let name) = current.kind, tokens[position + 1].kind == .equals {
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
        var left = try multiplicative()
        while check(.plus) || check(.minus) {
            let op: BinaryOperator = advance().kind == .plus ? .add : .sub
            let right = try multiplicative()
            left = .binary(op, left, right, left.span.through(right.span))
        }
        return left
    }

    mutating func multiplicative() throws -> Expr {
        var left = try unary()
        while check(.star) || check(.slash) || check(.at) {
            let t = advance()
            let op: BinaryOperator = t.kind == .star ? .mul : t.kind == .slash ? .div : .matmul
            let right = try unary()
            left = .binary(op, left, right, left.span.through(right.span))
        }
        return left
    }

    mutating func unary() throws -> Expr {
        if check(.minus) {
            let span = advance().span
            let operand = try unary()
            return .unaryMinus(operand, span.through(operand.span))
        }
        return try postfix()
    }

    mutating func postfix() throws -> Expr {
        var e = try primary()
        while true {
            if check(.leftParen) {
                _ = advance()
                let args = try arguments()
                let close = try expect(.rightParen, "')' to close the call")
                e = .call(e, args, e.span.through(close.span))
            } else if check(.dot) {
                _ = advance()
                let t = current
                guard case .identifier(let name) = t.kind else {
                    if t.kind == .end { throw LangError(.incomplete, "the input ends after '.'", t.span) }
                    throw LangError(.syntax, "expected a member name after '.', found \(describe(t))", t.span)
                }
                _ = advance()
                e = .member(e, name, t.span)
            } else if check(.leftBracket) {
                _ = advance()
                var lower: Expr? = nil
                if !check(.colon) { lower = try expression() }
                if check(.colon) {
                    _ = advance()
                    let upper: Expr? = check(.rightBracket) ? nil : try expression()
                    let close = try expect(.rightBracket, "']' to close the slice")
                    e = .slice(e, lower, upper, e.span.through(close.span))
                } else {
                    let close = try expect(.rightBracket, "']' to close the index")
                    e = .index(e, lower!, e.span.through(close.span))
                }
            } else {
                return e
            }
        }
    }

    mutating func arguments() throws -> [CallArgument] {
        var args: [CallArgument] = []
        var sawKeyword = false
        while !check(.rightParen) {
            if case .identifier(let name) = current.kind, tokens[position + 1].kind == .colon {
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
            _ = advance()
            let e = try expression()
            _ = try expect(.rightParen, "')'")
            return e
        case .leftBracket:
            _ = advance()
            var items: [Expr] = []
            while !check(.rightBracket) {
                items.append(try expression())
                if check(.comma) { _ = advance() } else { break }
            }
            let close = try expect(.rightBracket, "']' to close the list")
            return .list(items, t.span.through(close.span))
        case .end:
            throw LangError(.incomplete, "the input ends where a value was expected", t.span)
        default:
            throw LangError(.syntax, "expected a value, found \(describe(t))", t.span)
        }
    }
}
