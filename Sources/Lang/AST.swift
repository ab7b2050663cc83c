/// The syntax tree. Every node keeps its span for error messages.
public indirect enum Expr: Sendable {
    case number(Double, SourceSpan)
    case string(String, SourceSpan)
    case bool(Bool, SourceSpan)
    case name(String, SourceSpan)
    case list([Expr], SourceSpan)
    case unaryMinus(Expr, SourceSpan)
    case binary(BinaryOperator, Expr, Expr, SourceSpan)
    case call(Expr, [CallArgument], SourceSpan)
    case member(Expr, String, SourceSpan)
    case index(Expr, Expr, SourceSpan)
    case slice(Expr, Expr?, Expr?, SourceSpan)
    /// `(dim, drop = 0.2) -> expr`: a function of the language (a recipe to rebuild a model).
    case function([FunctionParameter], Expr, SourceSpan)

    public var span: SourceSpan {
        switch self {
        case .number(_, let s), .string(_, let s), .bool(_, let s), .name(_, let s), .list(_, let s),
             .unaryMinus(_, let s), .binary(_, _, _, let s), .call(_, _, let s), .member(_, _, let s),
             .index(_, _, let s), .slice(_, _, _, let s), .function(_, _, let s):
            return s
        }
    }
}

public enum BinaryOperator: String, Sendable {
    case add = "+", sub = "-", mul = "*", div = "/", matmul = "@"
}

/// A parameter of a function literal: its name and, when it has one, its default's expression.
public struct FunctionParameter: Sendable {
    public let name: String
    public let span: SourceSpan
    public let defaultValue: Expr?
}

public struct CallArgument: Sendable {
    /// The keyword, for `name: value` arguments.
    public let label: String?
    public let labelSpan: SourceSpan?
    public let value: Expr
}

public enum Statement: Sendable {
    case assign(String, SourceSpan, Expr)
    case expression(Expr)

    public var span: SourceSpan {
        switch self {
        case .assign(_, let s, let e): return s.through(e.span)
        case .expression(let e): return e.span
        }
    }
}

/// A statement with what the REPL needs to log and save it.
public struct ParsedStatement: Sendable {
    public let statement: Statement
    /// `;` at the end: run but print nothing.
    public let silent: Bool
    /// The statement's source text (its lines).
    public let source: String
}
