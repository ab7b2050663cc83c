import Foundation
import Model

/// `export(x, path)`: results and tensors out in the formats people load elsewhere, the
/// format from the path's extension — result tables (evaluate, compare, a fit's history,
/// recommend, sweep, vars()) as CSV or JSON (`TableFiles`), tensors as `.npy` in a chosen
/// dtype or, up to a matrix, as CSV. The path rules are `OutputFiles`'.
enum Export {
    enum Format: String, CaseIterable { case csv, json, npy }

    static let parameters = [
        Parameter("x", "tensor, evaluation, comparison, history, recommendations, sweep or vars()"),
        Parameter("path", "path ending in .csv, .json or .npy"),
        Parameter("dtype", NPY.DType.writable.map { "\"\($0)\"" }.joined(separator: ", ") + " (.npy only)",
                  default: "\"float32\"", keywordOnly: true),
        OutputFiles.overwrite,
    ]

    static func run(_ a: Arguments, _ s: Session) throws -> Value {
        let format = try self.format(a)
        if a.has("dtype") && format != .npy {
            throw LangError(.argument, "export: dtype is for .npy files; a .\(format) file holds numbers as exact text", a.span("dtype"))
        }
        let x = a.value("x") ?? .none
        let bytes: () throws -> [UInt8]
        switch (x, format) {
        case (.object(let t as TensorObject), .npy):
            let dtype = try self.dtype(a)
            // Written a piece at a time: a tensor of a few GB is never encoded whole in memory.
            try OutputFiles.write(a, s, kind: .unmarked(format.rawValue)) { path in
                do { try NPY.write(t.tensor, to: path, dtype: dtype) } catch let e as ModelError {
                    throw LangError(.argument, "export: x: \(e.message)", a.span("x"))
                }
            }
            return .none
        case (.object(let t as TensorObject), .csv):
            guard t.tensor.rank <= 2 else {
                throw LangError(.argument, "export: a \(t.tensor.shape) tensor has no rows and columns for .csv: write it as .npy", a.span("x"))
            }
            bytes = { Array(csv(t.tensor).utf8) }
        case (.object(is TensorObject), .json):
            throw LangError(.argument, "export: a tensor goes to .npy (or, up to a matrix, .csv), not .json", a.span("x"))
        case (.object(let o), _) where o.records != nil:
            guard format != .npy else {
                throw LangError(.argument, "export: \(x.typeNameWithArticle) is a table of records: write it as .csv or .json (.npy holds tensors)", a.span("x"))
            }
            let table = o.records!
            bytes = { Array((format == .csv ? TableFiles.csv(table) : TableFiles.json(table)).utf8) }
        default:
            let hint = x.typeName == ScoreObject.typeName ? " (its vectors are score.item_vectors and score.user_vectors)" : ""
            throw LangError(.type, "export: x must be a tensor or a result (evaluate, compare, fit's history, recommend, sweep, vars()), got \(x.typeNameWithArticle)\(hint)",
                            a.span("x"))
        }
        try OutputFiles.write(a, s, kind: .unmarked(format.rawValue)) { try AtomicFile.write(try bytes(), to: $0) }
        return .none
    }

    /// The format the path's extension names.
    static func format(_ a: Arguments) throws -> Format {
        let path = try a.string("path")
        let ext = (path as NSString).pathExtension.lowercased()
        guard let f = Format(rawValue: ext) else {
            throw LangError(.argument, "export: the path must end in .csv, .json or .npy (the format comes from it), got \"\(path)\"", a.span("path"))
        }
        return f
    }

    static func dtype(_ a: Arguments) throws -> NPY.DType {
        let name = try a.string("dtype")
        guard let d = NPY.DType(name: name), NPY.DType.writable.contains(d) else {
            let known = NPY.DType(name: name).map { "rec reads \($0) but does not write it; " } ?? ""
            throw LangError(.argument, "export: \(known)dtype must be one of " + NPY.DType.writable.map(\.description).joined(separator: ", ")
                            + ", got \"\(name)\"", a.span("dtype"))
        }
        return d
    }

    /// A vector as one column, a matrix as a row per row; the header numbers the columns 0, 1, ….
    static func csv(_ t: Tensor) -> String {
        let width = t.rank == 2 ? t.shape[1] : 1
        var out = (0..<width).map(String.init).joined(separator: ",") + "\r\n"
        out.reserveCapacity(out.utf8.count + t.count * 12)
        for r in 0..<(t.count / Swift.max(width, 1)) {
            for c in 0..<width {
                if c > 0 { out += "," }
                out += ExactNumber.text(t[flat: r * width + c])
            }
            out += "\r\n"
        }
        return out
    }

    /// `load` of a `.npy` file: its tensor, with a warning for what float32 could not keep.
    static func load(_ path: String, _ s: Session) throws -> Value {
        let loaded = try NPY.load(path)
        if loaded.inexactIntegers > 0 {
            s.warn("load: \(path) holds \(loaded.inexactIntegers) \(loaded.dtype) value\(loaded.inexactIntegers == 1 ? "" : "s") beyond 2^24 (16777216), "
                   + "which float32 tensors hold only rounded")
        }
        if loaded.overflowed > 0 {
            s.warn("load: \(path) holds \(loaded.overflowed) float64 value\(loaded.overflowed == 1 ? "" : "s") beyond float32's range (±3.4e38), loaded as ±inf")
        }
        return .object(TensorObject(Variable(loaded.tensor)))
    }
}
