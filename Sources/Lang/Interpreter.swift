#if canImport(Glibc)
import Glibc
#endif
import Model

/// Evaluates parsed statements against a session's variables and builtins. Front ends do
/// not call it: they hand text to `Session`, which reads, checks and runs it through here.
final class Interpreter {
    unowned let session: Session
    /// The functions being called, innermost last: each with its parameters' values (the
    /// function itself tells a function calling itself).
    var calls: [(function: ObjectIdentifier, scope: [String: Value])] = []
    /// The text of the statement running, which a function defined in it keeps (its errors
    /// then show the body's line when it is called later).
    var source: SourceText?
    /// Measured for the thread that runs statements (see `StackGuard`); measured again only
    /// when another thread runs them (glibc reads /proc/self/maps to measure the main thread).
    var stack = StackGuard()
    var stackThread = pthread_self()

    init(session: Session) { self.session = session }

    /// Checks statements in order (each sees the names bound before it); the first statement
    /// that does not resolve, with its error.
    func resolve(_ statements: [ParsedStatement], known extra: Set<String> = []) -> (ParsedStatement, LangError)? {
        var bound = extra
        for s in statements {
            do {
                try Resolver(session: session, bound: bound).check(s.statement)
            } catch {
                return (s, error as? LangError ?? LangError(.runtime, "\(error)", s.statement.span))
            }
            if case .assign(let name, _, _) = s.statement { bound.insert(name) }
        }
        return nil
    }

    /// Runs one statement: binds or returns its value.
    func execute(_ s: ParsedStatement) throws -> (name: String?, value: Value) {
        if pthread_equal(stackThread, pthread_self()) == 0 {
            stack = StackGuard()
            stackThread = pthread_self()
        }
        switch s.statement {
        case .assign(let name, _, let e):
            let v = try evaluate(e)
            session.variables[name] = v
            return (name, v)
        case .expression(let e):
            return (nil, try evaluate(e))
        }
    }

    // MARK: Evaluation

    func evaluate(_ e: Expr) throws -> Value {
        guard stack.hasRoom() else {
            throw LangError(.runtime, "this evaluation nests too deeply for the stack", e.span,
                            hint: "functions calling functions? split the work into named steps")
        }
        switch e {
        case .number(let v, _): return .number(v)
        case .string(let s, _): return .string(s)
        case .bool(let b, _): return .bool(b)
        case .list(let items, _): return .list(try items.map(evaluate))
        case .name(let n, let span):
            if let v = calls.last?.scope[n] ?? session.variables[n] { return v }
            if n == "_" {
                guard let v = session.lastValue else { throw LangError(.name, "'_' has no value yet: it is the last value a statement printed", span) }
                return v
            }
            if let b = session.builtin(n) { return .object(BuiltinValue(b)) }
            throw LangError(.name, "'\(n)' is not defined", span,
                            hint: Diagnostic.undefinedHint(n, among: Array(session.variables.keys) + session.builtinNames))
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
                if case .object(let l as LossObject) = v, let dims = l.scoreDims {  // s.neg.shape: scores, not a loss
                    throw LangError(.name, "sample scores \(dims) have no member '\(name)'", span,
                                    hint: "they are \(dims) for each batch (B: its examples): no tensor holds them until fit runs; members: "
                                        + names.joined(separator: ", "))
                }
                throw LangError(.name, "\(v.typeNameWithArticle) has no member '\(name)'", span,
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
        case .function(let parameters, let body, let span):
            return try makeFunction(parameters, body, span)
        }
    }

    func call(_ callee: Expr, _ args: [CallArgument], _ span: SourceSpan) throws -> Value {
        let f = try evaluate(callee)
        let values = try args.map { (label: $0.label, labelSpan: $0.labelSpan, value: try evaluate($0.value), span: $0.value.span) }
        guard case .object(let o) = f else {
            throw LangError(.type, "\(f.typeNameWithArticle) cannot be called", callee.span)
        }
        if let b = o as? BuiltinValue {
            var bound = try b.builtin.bind(values, callSpan: span)
            bound.session = session
            return try wrap(span) { try b.builtin.body(bound, session) }
        }
        if let f = o as? FunctionObject {
            var name = "function"
            if case .name(let n, _) = callee { name = n }
            return try invoke(f, try f.asBuiltin(named: name).bind(values, callSpan: span), span: span, name: name)
        }
        if let m = o as? BoundMethod, let body = m.member.call {
            var bound = try m.member.asBuiltin.bind(values, callSpan: span)
            bound.session = session
            return try wrap(span) { try body(m.object, bound, session) }
        }
        throw LangError(.type, "\(f.typeNameWithArticle) cannot be called", callee.span)
    }

    /// Errors from the numeric core and the data layer take the span of the call that raised them.
    func wrap(_ span: SourceSpan, _ body: () throws -> Value) throws -> Value {
        do {
            return try body()
        } catch let e as LangError {
            throw e.span == nil ? e.at(span) : e
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
    /// Names bound by earlier statements of the same text (not yet in the session).
    let bound: Set<String>

    func known(_ name: String) -> Bool { name == "_" || bound.contains(name) || session.variables[name] != nil }

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
            guard known(n) || session.builtin(n) != nil else {
                let candidates = Array(bound) + Array(session.variables.keys) + session.builtinNames
                throw LangError(.name, "'\(n)' is not defined", span, hint: Diagnostic.undefinedHint(n, among: candidates))
            }
        case .list(let items, _): for i in items { try check(i) }
        case .unaryMinus(let x, _): try check(x)
        case .binary(_, let a, let b, _): try check(a); try check(b)
        case .member(let t, _, _): try check(t)
        case .index(let t, let i, _): try check(t); try check(i)
        case .slice(let t, let l, let u, _): try check(t); if let l { try check(l) }; if let u { try check(u) }
        case .function(let parameters, let body, _):
            for p in parameters { if let d = p.defaultValue { try check(d) } }
            try Resolver(session: session, bound: bound.union(parameters.map(\.name))).check(body)
        case .call(let callee, let args, let span):
            try check(callee)
            for a in args { try check(a.value) }
            if case .name(let n, _) = callee, !known(n), let b = session.builtin(n) {
                _ = try b.bind(args.map { (label: $0.label, labelSpan: $0.labelSpan, value: Value.none, span: $0.value.span) }, callSpan: span)
            }
        }
    }
}
