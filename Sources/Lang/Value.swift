import Foundation
import Model

/// A value of the language. Numbers, strings, booleans and lists are built in; everything
/// else (tensors, datasets, model nodes, histories, …) is an object that knows its type name,
/// how to print itself and which members it has.
public enum Value {
    case none
    case number(Double)
    case string(String)
    case bool(Bool)
    case list([Value])
    case object(any LangObject)

    public var typeName: String {
        switch self {
        case .none: return "nothing"
        case .number: return "number"
        case .string: return "string"
        case .bool: return "bool"
        case .list: return "list"
        case .object(let o): return type(of: o).typeName
        }
    }

    /// What the REPL prints for a bare expression.
    public var display: String {
        switch self {
        case .none: return ""
        case .number(let v): return Value.format(v)
        case .string(let s): return Value.quoted(s)
        case .bool(let b): return b ? "true" : "false"
        case .list(let items): return "[" + items.map(\.display).joined(separator: ", ") + "]"
        case .object(let o): return o.display
        }
    }

    /// One line for `:vars` and lists.
    public var summary: String {
        switch self {
        case .object(let o): return o.summary
        default: return display
        }
    }

    /// A string as a literal that reads back as the same string: its quotes, backslashes,
    /// newlines and tabs escaped the way the lexer reads them.
    static func quoted(_ s: String) -> String {
        var out = "\""
        for c in s {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default: out.append(c)
            }
        }
        return out + "\""
    }

    /// Text written as a string literal (`"x.rec"`, `'x'`) is the text inside its quotes; any
    /// other text is itself (a name typed after :save, a value given to --set).
    public static func unquoted(_ s: String) -> String {
        guard s.count >= 2, let q = s.first, q == "\"" || q == "'", s.last == q else { return s }
        return String(s.dropFirst().dropLast())
    }

    static func format(_ v: Double) -> String {
        if v.isNaN { return "nan" }
        if v == v.rounded() && abs(v) < 1e15 { return String(Int64(v)) }
        let s = String(format: "%.6g", v)
        return s
    }
}

/// An object of the language (a tensor, a dataset, a model node, …).
public protocol LangObject: AnyObject {
    static var typeName: String { get }
    /// Printed in full for a bare expression.
    var display: String { get }
    /// One line (`:vars`, inside lists).
    var summary: String { get }
    /// The value as a table, for front ends that draw tables (nil: none).
    var table: Table? { get }
    /// The value as a chart, for front ends that draw charts (nil: none).
    var chart: Chart? { get }
    /// The value as records of exact values, for `export` to CSV and JSON (nil: none). A
    /// table's own records unless the value has records it does not show as a table (a
    /// history, drawn as a chart).
    var records: Table? { get }
}

extension Value {
    /// Its type's name as a sentence reads it: "a score", "an axis", "events".
    public var typeNameWithArticle: String { Arguments.article(typeName) }
}

extension LangObject {
    public var summary: String { display.split(separator: "\n").first.map(String.init) ?? "" }
}


extension Value {
    /// The training history this value holds, if it is one (the workbench charts it).
    public var history: History? {
        if case .object(let h as HistoryObject) = self { return h.history }
        return nil
    }
}
