/// A member of an object type: a property (`x.shape`) or a method (`x.split(…)`), with its doc.
public struct Member {
    public let name: String
    public let summary: String
    public let parameters: [Parameter]?
    let get: (any LangObject, Session) throws -> Value
    let call: ((any LangObject, Arguments, Session) throws -> Value)?

    public static func property<T: LangObject>(_ name: String, _ summary: String, _ body: @escaping (T) throws -> Value) -> Member {
        Member(name: name, summary: summary, parameters: nil, get: { o, _ in try body(o as! T) }, call: nil)
    }

    public static func method<T: LangObject>(_ name: String, _ parameters: [Parameter], _ summary: String,
                                             _ body: @escaping (T, Arguments, Session) throws -> Value) -> Member {
        Member(name: name, summary: summary, parameters: parameters, get: { _, _ in .none },
               call: { o, a, s in try ModelTerms.phrased { try body(o as! T, a, s) } })
    }

    var asBuiltin: Builtin {
        Builtin(name, parameters ?? [], summary: summary, example: "") { _, _ in .none }
    }
}

/// A method bound to its object, waiting for its call.
final class BoundMethod: LangObject {
    static let typeName = "method"
    let object: any LangObject
    let member: Member

    init(_ object: any LangObject, _ member: Member) {
        self.object = object
        self.member = member
    }

    var display: String { "<method \(type(of: object).typeName).\(member.name)>" }
}

/// A builtin as a value (`f = mean` is allowed; printing shows its signature).
final class BuiltinValue: LangObject {
    static let typeName = "builtin"
    let builtin: Builtin
    init(_ b: Builtin) { builtin = b }
    var display: String { "<builtin \(builtin.signature)>" }
}
