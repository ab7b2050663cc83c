import Foundation
import Model

/// Where builtins write, and whether they may. Output paths are relative to the current
/// directory (never the data directory, so a script cannot write into shared data). An
/// existing file is replaced only when rec recognises it as its own output of the same kind
/// — a checkpoint (its `RECCKPT` header), a paragraph-vector file (`RECPV`), a chart (the comment rec ends its SVG with), a
/// split directory (only the split's files) — or when the call says `overwrite: true`;
/// `.npy`, `.csv` and `.json` files carry no mark of who wrote them, so an existing one always needs it.
/// A read-only session (`rec run --read-only`) writes nothing.
enum OutputFiles {
    enum Kind: Equatable {
        case checkpoint, chart, split, paragraphVectors
        /// A file of a format with no mark of who wrote it (npy, csv, json): the extension.
        case unmarked(String)

        /// What the refusal says the file is not.
        var notOurs: String {
            switch self {
            case .checkpoint: "is not a checkpoint rec wrote"
            case .paragraphVectors: "is not a paragraph-vector file rec wrote"
            case .chart: "is not a chart rec drew"
            case .unmarked(let ext): "exists (rec cannot tell its own .\(ext) files from others)"
            case .split: "holds more than a split rec wrote"
            }
        }

        func isOurs(_ path: String) -> Bool {
            switch self {
            case .checkpoint: Checkpoint.isCheckpoint(path)
            case .paragraphVectors: ParagraphVectorsFile.isFile(path)
            case .chart: ChartFile.isChart(path)
            case .unmarked: false
            case .split: Split.isSavedSplit(path)
            }
        }
    }

    static let overwrite = Parameter("overwrite", "bool", default: "false", keywordOnly: true)

    /// The path to write for argument `argument`, once the session and the file allow it.
    static func target(_ a: Arguments, _ s: Session, kind: Kind, argument: String = "path") throws -> String {
        let callee = kind == .split ? "split.save" : a.callee
        guard !s.readOnly else {
            throw LangError(.runtime, "\(callee): this session is read-only (rec run --read-only): nothing is written", a.callSpan)
        }
        let path = try a.string(argument)
        guard !path.isEmpty else { throw LangError(.argument, "\(callee): the path is empty", a.span(argument)) }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return path }
        if isDirectory.boolValue && kind != .split {
            throw LangError(.runtime, "\(callee): \(path) is a directory", a.span(argument))
        }
        // A file this session made, still as it left it, is its own output too: a step run
        // again after `b`, or a notebook cell run twice, writes it again.
        if try a.bool("overwrite") || kind.isOurs(path) || s.wroteUnchanged(path) { return path }
        let how = kind == .split ? "pass overwrite: true to replace the directory and everything in it"
                                 : "pass overwrite: true to replace it"
        throw LangError(.runtime, "\(callee): \(path) \(kind.notOurs); \(how)", a.span(argument))
    }

    /// Writes through `body` to the path `target` allows, then notes the file as this
    /// session's own (as it is now: another program's file put there later is not).
    static func write(_ a: Arguments, _ s: Session, kind: Kind, argument: String = "path", _ body: (String) throws -> Void) throws {
        let path = try target(a, s, kind: kind, argument: argument)
        try body(path)
        s.noteWritten(path)
    }

    /// A file rec reads back after writing it (a checkpoint, a .npy, split files): relative to
    /// the current directory when it is there, else to the data directory as data files are.
    static func input(_ path: String, _ s: Session) -> String {
        if path.hasPrefix("/") || path.hasPrefix("./") || path.hasPrefix("../") || FileManager.default.fileExists(atPath: path) {
            return path
        }
        return s.resolvePath(path)
    }
}

/// SVG charts as rec writes them: the document, then a comment that marks it as rec's own.
enum ChartFile {
    static let mark = "<!-- drawn by rec -->"

    static func write(_ svg: String, to path: String) throws {
        try AtomicFile.write(Array((svg + "\n" + mark + "\n").utf8), to: path)
    }

    static func isChart(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        guard let size = try? handle.seekToEnd() else { return false }
        try? handle.seek(toOffset: size > 64 ? size - 64 : 0)
        guard let tail = try? handle.readToEnd() else { return false }
        return String(decoding: tail, as: UTF8.self).contains(mark)
    }
}
