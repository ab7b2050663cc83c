import Model

/// What one statement came to.
public struct Outcome {
    public enum Result {
        /// A bare expression's value (printed unless `silent`).
        case value(Value)
        /// `name = expr`.
        case bound(String, Value)
        case error(LangError)
    }

    public let statement: ParsedStatement?
    public let result: Result

    public var isError: Bool { if case .error = result { return true } else { return false } }
}

/// Runs source text — a REPL line or a whole file, through the same path: parse, check the
/// names and calls against the registry, then evaluate statement by statement.
public final class Interpreter {
    public let session: Session

    public init(session: Session) { self.session = session }

    /// Runs `source`; stops at the first error when `stopOnError` (scripts), and always
    /// before running anything when the source does not parse or resolve.
    /// `each` sees every outcome as soon as its statement has run (so output keeps pace with progress).
    public func run(_ source: String, origin: String, stopOnError: Bool = true, each: ((Outcome) -> Void)? = nil) -> [Outcome] {
        let statements: [ParsedStatement]
        do {
            statements = try Parser.parse(source, origin: origin)
        } catch {
            let outcome = Outcome(statement: nil, result: .error(error as? LangError ?? LangError(.runtime, "\(error)", nil)))
            each?(outcome)
            return [outcome]
        }
        var outcomes: [Outcome] = []
        if let (s, e) = resolve(statements) {
            let outcome = Outcome(statement: s, result: .error(e))
            each?(outcome)
            return [outcome]
        }
        for s in statements {
            let outcome = execute(s)
            each?(outcome)
            outcomes.append(outcome)
            // A script stops at an error, and after a statement that Ctrl-C cut short.
            if stopOnError && (outcome.isError || session.cancel.isSet) { break }
        }
        return outcomes
    }

    /// Parses and resolves without running (`rec check`).
    public func check(_ source: String, origin: String) -> [LangError] {
        do {
            return resolve(try Parser.parse(source, origin: origin)).map { [$0.1] } ?? []
        } catch let e as LangError {
            return [e]
        } catch {
            return [LangError(.runtime, "\(error)", nil)]
        }
    }

    /// Checks the statements in order (each sees the names bound before it); the first
    /// statement that does not resolve, with its error.
    func resolve(_ statements: [ParsedStatement]) -> (ParsedStatement, LangError)? {
        var known = Set(session.variables.keys)
        for s in statements {
            do {
                try Resolver(session: session, known: known).check(s.statement)
            } catch {
                return (s, error as? LangError ?? LangError(.runtime, "\(error)", s.statement.span))
            }
            if case .assign(let name, _, _) = s.statement { known.insert(name) }
        }
        return nil
    }

    func execute(_ s: ParsedStatement) -> Outcome {
        session.cancel.clear()
        do {
            switch s.statement {
            case .assign(let name, _, let e):
                let v = try evaluate(e)
                session.variables[name] = v
                return Outcome(statement: s, result: .bound(name, v))
            case .expression(let e):
                return Outcome(statement: s, result: .value(try evaluate(e)))
            }
        } catch let e as LangError {
            return Outcome(statement: s, result: .error(e))
        } catch {
            return Outcome(statement: s, result: .error(LangError(.runtime, "\(error)", s.statement.span)))
        }
    }

    // MARK: Evaluation

    func evaluate(_ e: Expr) throws -> Value {
        switch e {
        case .number(let v, _): return .number(v)
        case .string(let s, _): return .string(s)
        case .bool(let b, _): return .bool(b)
        case .list(let items, _): return .list(try items.map(evaluate))
        case .name(let n, let span):
            if let v = session.variables[n] { return v }
            if let b = session.builtin(n) { return .object(BuiltinValue(b)) }
            throw LangError(.name, "'\(n)' is not defined", span)
        case .unaryMinus(let x, let span):
            let v = try evaluate(x)
            return try wrap(span) { try Arithmetic.negate(v, span: span) }
        case .binary(let op, let a, let b, let span):
            let left = try evaluate(a), right = try evaluate(b)
            return try wrap(span) { try Arithmetic.apply(op, left, right, span: span, leftSpan: a.span, rightSpan: b.span) }
        case .member(let target, let name, let span):
            let v = try evaluate(target)
            guard case .object(let o) = v, let m = session.registry.members[type(of: o).typeName]?[name] else {
                let names = session.members(of: v).map(\.name)
                throw LangError(.name, "a \(v.typeName) has no member '\(name)'", span,
                                hint: Diagnostic.closest(to: name, among: names).map { "did you mean .\($0)?" }
                                    ?? (names.isEmpty ? nil : "members: " + names.joined(separator: ", ")))
            }
            if m.call != nil { return .object(BoundMethod(o, m)) }
            return try wrap(span) { try m.get(o, session) }
        case .call(let callee, let args, let span):
            return try call(callee, args, span)
        case .index(let target, let index, let span):
            let (t, i) = (try evaluate(target), try evaluate(index))
            return try wrap(span) { try Indexing.index(t, i, span: span, indexSpan: index.span) }
        case .slice(let target, let lower, let upper, let span):
            let (t, l, u) = (try evaluate(target), try lower.map(evaluate), try upper.map(evaluate))
            return try wrap(span) { try Indexing.slice(t, l, u, span: span) }
        }
    }

    func call(_ callee: Expr, _ args: [CallArgument], _ span: SourceSpan) throws -> Value {
        let f = try evaluate(callee)
        let values = try args.map { (label: $0.label, labelSpan: $0.labelSpan, value: try evaluate($0.value), span: $0.value.span) }
        guard case .object(let o) = f else {
            throw LangError(.type, "a \(f.typeName) cannot be called", callee.span)
        }
        if let b = o as? BuiltinValue {
            let bound = try b.builtin.bind(values, callSpan: span)
            return try wrap(span) { try b.builtin.body(bound, session) }
        }
        if let m = o as? BoundMethod, let body = m.member.call {
            let bound = try m.member.asBuiltin.bind(values, callSpan: span)
            return try wrap(span) { try body(m.object, bound, session) }
        }
        throw LangError(.type, "a \(f.typeName) cannot be called", callee.span)
    }

    /// Errors from the numeric core and the data layer take the span of the call that raised them.
    func wrap(_ span: SourceSpan, _ body: () throws -> Value) throws -> Value {
        do {
            return try body()
        } catch let e as LangError {
            throw e.span == nil ? LangError(e.kind, e.message, span, hint: e.hint) : e
        } catch is Cancelled {
            throw LangError(.interrupted, "interrupted", span)
        } catch {
            throw LangError(.runtime, "\(error)", span)
        }
    }
}

/// Checks a statement before it runs: every name is defined (or a builtin), and every call
/// to a builtin passes arguments its signature accepts.
struct Resolver {
    let session: Session
    let known: Set<String>

    func check(_ s: Statement) throws {
        switch s {
        case .assign(_, _, let e): try check(e)
        case .expression(let e): try check(e)
        }
    }

    func check(_ e: Expr) throws {
        switch e {
        case .number, .string, .bool: return
        case .name(let n, let span):
            guard known.contains(n) || session.builtin(n) != nil else {
                let candidates = Array(known) + session.builtinNames
                throw LangError(.name, "'\(n)' is not defined", span,
                                hint: Diagnostic.closest(to: n, among: candidates).map { "did you mean \($0)?" })
            }
        case .list(let items, _): for i in items { try check(i) }
        case .unaryMinus(let x, _): try check(x)
        case .binary(_, let a, let b, _): try check(a); try check(b)
        case .member(let t, _, _): try check(t)
        case .index(let t, let i, _): try check(t); try check(i)
        case .slice(let t, let l, let u, _): try check(t); if let l { try check(l) }; if let u { try check(u) }
        case .call(let callee, let args, let span):
            try check(callee)
            for a in args { try check(a.value) }
            if case .name(let n, _) = callee, !known.contains(n), let b = session.builtin(n) {
                _ = try b.bind(args.map { (label: $0.label, labelSpan: $0.labelSpan, value: Value.none, span: $0.value.span) }, callSpan: span)
            }
        }
    }
}
