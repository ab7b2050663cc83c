/// The one registry of builtins and object members.
public struct Registry {
    public var builtins: [String: Builtin] = [:]
    public var members: [String: [String: Member]] = [:]

    mutating func add(_ b: Builtin) {
        precondition(builtins[b.name] == nil, "builtin \(b.name) registered twice")
        builtins[b.name] = b
    }

    mutating func add(_ typeName: String, _ list: [Member]) {
        for m in list { members[typeName, default: [:]][m.name] = m }
    }

    nonisolated(unsafe) static let standard: Registry = {
        var r = Registry()
        SessionBuiltins.register(&r)
        TensorBuiltins.register(&r)
        DataBuiltins.register(&r)
        TextBuiltins.register(&r)
        ParagraphVectorBuiltins.register(&r)
        ModelBuiltins.register(&r)
        TrainingBuiltins.register(&r)
        BaselineBuiltins.register(&r)
        BlendBuiltins.register(&r)
        ScriptBuiltins.register(&r)
        SearchBuiltins.register(&r)
        SweepBuiltins.register(&r)
        RefitBuiltins.register(&r)
        FitBuiltins.register(&r)
        FileBuiltins.register(&r)
        return r
    }()
}
