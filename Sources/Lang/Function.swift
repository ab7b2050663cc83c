/// A function written in the language: `(dim, drop = 0.2) -> bpr(dot(…))`. Its defaults are
/// evaluated where it is defined; its body sees its parameters, the values it captured from
/// an enclosing function, and the session's variables when it is called.
final class FunctionObject: LangObject {
    static let typeName = "function"
    let parameters: [(name: String, defaultValue: Value?)]
    let body: Expr
    let captured: [String: Value]
    /// The text the function was written in, to show its body's line in an error.
    let definedIn: SourceText?

    init(parameters: [(name: String, defaultValue: Value?)], body: Expr, captured: [String: Value], definedIn: SourceText?) {
        self.parameters = parameters
        self.body = body
        self.captured = captured
        self.definedIn = definedIn
    }

    var signature: String {
        "(" + parameters.map { p in p.defaultValue.map { "\(p.name) = \($0.display)" } ?? p.name }.joined(separator: ", ") + ")"
    }

    var display: String { "function \(signature)" }

    /// The call's signature, so that arguments bind (and fail) the way a builtin's do.
    func asBuiltin(named name: String = "function") -> Builtin {
        Builtin(name, parameters.map { Parameter($0.name, "value", default: $0.defaultValue?.display) },
                summary: "", example: "") { _, _ in .none }
    }
}

extension Interpreter {
    /// How deeply functions may call functions (a function that calls itself would otherwise
    /// exhaust the stack).
    static let maxCallDepth = 32

    func makeFunction(_ parameters: [FunctionParameter], _ body: Expr, _ span: SourceSpan) throws -> Value {
        let values = try parameters.map { p in (name: p.name, defaultValue: try p.defaultValue.map(evaluate)) }
        return .object(FunctionObject(parameters: values, body: body, captured: calls.last?.scope ?? [:], definedIn: source))
    }

    /// Calls a language function with arguments bound by name. An error in its body is
    /// reported at the call, with the place in the body as a frame.
    func invoke(_ f: FunctionObject, _ arguments: Arguments, span: SourceSpan, name: String) throws -> Value {
        // Functions are the language's only repetition (a function calling others calls them
        // many times over): each call is where Ctrl-C stops a statement.
        if session.cancel.isSet { throw LangError(.interrupted, "interrupted", span) }
        guard calls.count < Interpreter.maxCallDepth else {
            // The language has no conditionals, so a function that calls itself never ends.
            let itself = calls.contains { $0.function == ObjectIdentifier(f) }
            throw LangError(.runtime, "functions call functions more than \(Interpreter.maxCallDepth) deep", span,
                            hint: itself ? "\(name) calls itself, through the calls below: that never ends"
                                         : "no function here calls itself: write the deepest steps as named values first")
        }
        var scope = f.captured
        for p in f.parameters {
            guard let v = arguments.value(p.name) ?? p.defaultValue else {
                throw LangError(.argument, "the function needs \(p.name)", span, hint: f.signature)
            }
            scope[p.name] = v
        }
        calls.append((ObjectIdentifier(f), scope))
        defer { calls.removeLast() }
        do {
            return try evaluate(f.body)
        } catch let e as LangError {
            // Ctrl-C is reported at the statement's own call, not deep in a body.
            throw e.kind == .interrupted ? e.at(span) : e.called(from: span, function: name, definedIn: f.definedIn)
        }
    }

    /// Calls a language function from a builtin (`sweep`): keyword arguments by name.
    func invoke(_ f: FunctionObject, named: [String: Value], span: SourceSpan, name: String = "the recipe") throws -> Value {
        let args = named.sorted { $0.key < $1.key }.map { (label: Optional($0.key), labelSpan: Optional<SourceSpan>.none, value: $0.value, span: span) }
        return try invoke(f, try f.asBuiltin().bind(args, callSpan: span), span: span, name: name)
    }
}
