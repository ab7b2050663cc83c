import Model

/// A parameter of a builtin or a method: its name, the type it takes (for help and errors),
/// and its default (nil: required).
// @unchecked: the only Value it holds is a literal default (numbers, strings, booleans, lists of them).
public struct Parameter: @unchecked Sendable {
    public let name: String
    public let type: String
    public let defaultValue: String?
    /// Only as `name: value`.
    public let keywordOnly: Bool

    public init(_ name: String, _ type: String, default defaultValue: String? = nil, keywordOnly: Bool = false) {
        self.name = name
        self.type = type
        self.defaultValue = defaultValue
        self.keywordOnly = keywordOnly
        literalDefault = defaultValue.flatMap(Parameter.literal)
    }

    public var isRequired: Bool { defaultValue == nil }

    /// The default as a value, when its text is a literal (`32`, `"uniform"`, `true`, `[1, 2]`,
    /// `-1`): what a call that leaves the argument out gets, so the default is written once,
    /// here. Defaults like `none` or `adagrad(lr: 0.05)` describe what the builtin does instead.
    public let literalDefault: Value?

    static func literal(_ text: String) -> Value? {
        guard let statements = try? Parser.parse(text, origin: ""), statements.count == 1,
              case .expression(let e) = statements[0].statement else { return nil }
        return literal(e)
    }

    static func literal(_ e: Expr) -> Value? {
        switch e {
        case .number(let x, _): return .number(x)
        case .string(let t, _): return .string(t)
        case .bool(let b, _): return .bool(b)
        case .unaryMinus(.number(let x, _), _): return .number(-x)
        case .list(let items, _):
            let values = items.compactMap(literal)
            return values.count == items.count ? .list(values) : nil
        default: return nil
        }
    }
}

/// Arguments bound to parameter names, with typed accessors that raise errors at the
/// argument's own span.
public struct Arguments {
    public let callee: String
    var values: [String: (Value, SourceSpan)] = [:]
    /// Keyword arguments a builtin takes freely (`compare(a: …, b: …)`), in call order.
    public internal(set) var extra: [(name: String, value: Value, span: SourceSpan)] = []
    let callSpan: SourceSpan
    /// The signature's literal defaults, for arguments the call leaves out.
    var defaults: [String: Value] = [:]
    /// The session the call runs in, for hints that look inside a wrong argument's members.
    weak var session: Session?

    public func has(_ name: String) -> Bool { values[name] != nil }
    public func span(_ name: String) -> SourceSpan { values[name]?.1 ?? callSpan }
    /// The argument's value: given by the call, else the signature's literal default.
    public func value(_ name: String) -> Value? { values[name]?.0 ?? defaults[name] }

    /// The type names that are plurals (a name ending in s need not be: axis, loss).
    static let pluralTypeNames: Set<String> = ["events", "plots", "recommendations", "wordvectors"]

    /// "a score", "an evaluation", and no article for the plural names ("events", "plots").
    static func article(_ typeName: String) -> String {
        if pluralTypeNames.contains(typeName) { return typeName }
        return ("aeiou".contains(typeName.first ?? "x") ? "an " : "a ") + typeName
    }

    func typeError(_ name: String, _ expected: String, _ got: Value, hint: String? = nil) -> LangError {
        LangError(.type, "\(callee): \(name) must be \(expected), got \(got.typeName)", span(name), hint: hint)
    }

    /// How a value of one type becomes the type asked for, where no member holds it
    /// (asked-for type → given type → hint).
    static let makers: [String: [String: String]] = [
        "loss": ["score": "a loss wraps a score: bpr(score), listwise(score) or wmse(score)"],
        "tensor": ["plots": "plots become a matrix by tfidf(plots, vocab), tfidf_average(plots, vectors, vocab) or paragraph_vectors(plots)",
                   "vocabulary": "a vocabulary makes a matrix of plots: tfidf(plots, vocab) or tfidf_average(plots, vectors, vocab)",
                   "wordvectors": "word vectors make a matrix of plots: tfidf_average(plots, vectors, vocab)"],
    ]

    /// Where a value of the wrong type holds one of the right type (`split` for events, a loss
    /// for its score): "a split holds events in .test_cold, .test_warm, …", or nil.
    func holderHint<T: LangObject>(_ type: T.Type, in value: Value) -> String? {
        if let make = Self.makers[T.typeName]?[value.typeName] { return make }
        guard let session, case .object(let object) = value else { return nil }
        let names = session.members(of: value).filter { $0.call == nil }.compactMap { m -> String? in
            guard case .object(let held)? = try? m.get(object, session), held is T else { return nil }
            return "." + m.name
        }
        guard !names.isEmpty else { return nil }
        return "\(Self.article(value.typeName)) holds \(Self.article(T.typeName)) in " + names.joined(separator: ", ")
    }

    public func number(_ name: String, default d: Double? = nil) throws -> Double {
        guard let v = value(name) else {
            if let d { return d }
            throw LangError(.argument, "\(callee) needs \(name)", callSpan)
        }
        if case .number(let x) = v { return x }
        throw typeError(name, "a number", v)
    }

    public func int(_ name: String, default d: Int? = nil, min: Int? = nil) throws -> Int {
        let x = try number(name, default: d.map(Double.init))
        guard x.isFinite, x == x.rounded() else { throw LangError(.type, "\(callee): \(name) must be a whole number, got \(Value.format(x))", span(name)) }
        guard abs(x) < 1e15 else { throw LangError(.argument, "\(callee): \(name) \(Value.format(x)) is out of range (a whole number below 10^15)", span(name)) }
        if let min, Int(x) < min { throw LangError(.argument, "\(callee): \(name) must be at least \(min), got \(Int(x))", span(name)) }
        return Int(x)
    }

    public func string(_ name: String, default d: String? = nil) throws -> String {
        guard let v = value(name) else {
            if let d { return d }
            throw LangError(.argument, "\(callee) needs \(name)", callSpan)
        }
        if case .string(let s) = v { return s }
        throw typeError(name, "a string", v)
    }

    public func bool(_ name: String, default d: Bool? = nil) throws -> Bool {
        guard let v = value(name) else {
            if let d { return d }
            throw LangError(.argument, "\(callee) needs \(name)", callSpan)
        }
        if case .bool(let b) = v { return b }
        throw typeError(name, "true or false", v)
    }

    public func object<T: LangObject>(_ name: String, _ type: T.Type) throws -> T {
        guard let v = values[name]?.0 else { throw LangError(.argument, "\(callee) needs \(name)", callSpan) }
        if case .object(let o) = v, let t = o as? T { return t }
        throw typeError(name, Self.article(T.typeName), v, hint: holderHint(T.self, in: v))
    }

    public func optionalObject<T: LangObject>(_ name: String, _ type: T.Type) throws -> T? {
        guard has(name) else { return nil }
        return try object(name, type)
    }

    public func choice(_ name: String, _ options: [String], default d: String? = nil) throws -> String {
        let s = try string(name, default: d)
        guard options.contains(s) else {
            throw LangError(.argument, "\(callee): \(name) must be one of \(options.map { "\"\($0)\"" }.joined(separator: ", ")), got \"\(s)\"", span(name))
        }
        return s
    }
}

/// A function of the language: its signature, its documentation (one line, a longer text,
/// an example) and its body. The one registry of these drives the resolver, `help` and the
/// REPL's completion.
public struct Builtin {
    public let name: String
    public let parameters: [Parameter]
    public let summary: String
    public let doc: String
    public let example: String
    /// Whether keywords other than the parameters are accepted (collected in `extra`).
    public let freeKeywords: Bool
    /// What the free keywords name, as the signature shows them ("name: score").
    public let named: String
    let body: (Arguments, Session) throws -> Value

    public init(_ name: String, _ parameters: [Parameter], summary: String, doc: String = "", example: String,
                freeKeywords: Bool = false, named: String = "name: value", body: @escaping (Arguments, Session) throws -> Value) {
        self.freeKeywords = freeKeywords
        self.named = named
        self.name = name
        self.parameters = parameters
        self.summary = summary
        self.doc = doc
        self.example = example
        self.body = { a, s in try ModelTerms.phrased { try body(a, s) } }
    }

    /// `fit(loss, events, optimizer = adagrad(lr: 0.05), epochs: 10, …)`: required positional
    /// parameters by name, optional ones with `=` their default, keyword-only ones as `name: default`.
    /// Free keywords show as `name: score, …` after the positional parameters.
    public var signature: String {
        var parts = parameters.map { p in
            if p.keywordOnly { return "\(p.name): \(p.defaultValue ?? p.type)" }
            return p.defaultValue.map { "\(p.name) = \($0)" } ?? p.name
        }
        if freeKeywords { parts.insert("\(named), …", at: parameters.filter { !$0.keywordOnly }.count) }
        return "\(name)(" + parts.joined(separator: ", ") + ")"
    }

    /// Binds call arguments to parameters, or explains what is wrong.
    func bind(_ args: [(label: String?, labelSpan: SourceSpan?, value: Value, span: SourceSpan)], callSpan: SourceSpan) throws -> Arguments {
        var bound = Arguments(callee: name, callSpan: callSpan)
        for p in parameters { if let d = p.literalDefault { bound.defaults[p.name] = d } }
        let positional = parameters.filter { !$0.keywordOnly }
        var next = 0
        for a in args {
            if let label = a.label {
                if freeKeywords, !parameters.contains(where: { $0.name == label }) {
                    guard !bound.extra.contains(where: { $0.name == label }) else {
                        throw LangError(.argument, "\(name): \(label) is given twice", a.labelSpan ?? a.span)
                    }
                    bound.extra.append((label, a.value, a.span))
                    continue
                }
                guard let p = parameters.first(where: { $0.name == label }) else {
                    let hint = Diagnostic.closest(to: label, among: parameters.map(\.name)).map { "did you mean \($0):?" }
                        ?? "\(name) takes " + (parameters.isEmpty ? "no arguments" : parameters.map(\.name).joined(separator: ", "))
                    throw LangError(.argument, "\(name) has no parameter '\(label)'", a.labelSpan ?? a.span, hint: hint)
                }
                guard bound.values[p.name] == nil else {
                    throw LangError(.argument, "\(name): \(label) is given twice", a.labelSpan ?? a.span)
                }
                bound.values[p.name] = (a.value, a.span)
            } else {
                guard next < positional.count else {
                    // zeros(3, 2) as numpy writes it: the shape is one list here.
                    let listShape = positional.first?.name == "shape" ? "; the shape is one list, as in \(name)([2, 3])" : ""
                    let others = freeKeywords ? "; name the others (\(named))" : listShape
                    throw LangError(.argument, "\(name) takes at most \(positional.count) positional argument\(positional.count == 1 ? "" : "s")\(others)", a.span,
                                    hint: signature)
                }
                bound.values[positional[next].name] = (a.value, a.span)
                next += 1
            }
        }
        for p in parameters where p.isRequired && bound.values[p.name] == nil {
            throw LangError(.argument, "\(name) needs \(p.name) (\(p.type))", callSpan, hint: signature)
        }
        return bound
    }
}
