import Foundation

/// A JSON value: the headers and contents of Jupyter messages, and notebooks. A value type
/// (safe to hand between the kernel's threads) whose encoding sorts keys, so that the same
/// notebook converts to the same bytes.
enum JSON: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSON])
    case object([String: JSON])

    subscript(key: String) -> JSON? {
        if case .object(let o) = self { return o[key] }
        return nil
    }

    var string: String? { if case .string(let s) = self { return s }; return nil }
    var array: [JSON]? { if case .array(let a) = self { return a }; return nil }
    var object: [String: JSON]? { if case .object(let o) = self { return o }; return nil }
    var bool: Bool? { if case .bool(let b) = self { return b }; return nil }
    var int: Int? {
        switch self {
        case .int(let i): return i
        case .double(let d) where d == d.rounded() && abs(d) < 1e15: return Int(d)
        default: return nil
        }
    }

    /// Parses JSON text; nil when it is not JSON.
    static func parse(_ data: Data) -> JSON? {
        try? JSONDecoder().decode(JSON.self, from: data)
    }

    /// The value as compact JSON text (keys sorted), or indented for files people read.
    func encoded(pretty: Bool = false) -> Data {
        if pretty { return Data(indented(level: 0).utf8) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding a JSON value cannot fail: every case maps to a JSON type.
        return (try? encoder.encode(self)) ?? Data("null".utf8)
    }

    /// Indented one space a level, as nbformat writes notebooks (their diffs stay small).
    private func indented(level: Int) -> String {
        let pad = String(repeating: " ", count: level + 1), end = String(repeating: " ", count: level)
        switch self {
        case .array(let a) where !a.isEmpty:
            return "[\n" + a.map { pad + $0.indented(level: level + 1) }.joined(separator: ",\n") + "\n" + end + "]"
        case .object(let o) where !o.isEmpty:
            let members = o.keys.sorted().map { pad + String(decoding: JSON.string($0).encoded(), as: UTF8.self) + ": " + o[$0]!.indented(level: level + 1) }
            return "{\n" + members.joined(separator: ",\n") + "\n" + end + "}"
        default:
            return String(decoding: encoded(), as: UTF8.self)
        }
    }
}

extension JSON: Codable {
    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let i = try? c.decode(Int.self) { self = .int(i) }
        else if let d = try? c.decode(Double.self) { self = .double(d) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSON].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSON].self)) }
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .int(let i): try c.encode(i)
        case .double(let d): try c.encode(d.isFinite ? d : 0)
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }
}

extension JSON: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral {
    init(stringLiteral value: String) { self = .string(value) }
    init(integerLiteral value: Int) { self = .int(value) }
    init(booleanLiteral value: Bool) { self = .bool(value) }
    init(arrayLiteral elements: JSON...) { self = .array(elements) }
    init(dictionaryLiteral elements: (String, JSON)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}
