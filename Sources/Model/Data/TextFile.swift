import Foundation

/// A text file read whole, walked line by line over its bytes (no String per line unless
/// asked), with line numbers for error messages. `\r\n` endings are accepted.
public struct TextFile {
    public enum Encoding: Sendable { case utf8, latin1 }

    public let path: String
    public let bytes: [UInt8]
    public let encoding: Encoding

    /// Reads `path`; a missing, unreadable or empty file is a DataError.
    public init(_ path: String, encoding: Encoding = .utf8, allowEmpty: Bool = false) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw DataError(file: path, "no such file")
        }
        guard !isDirectory.boolValue else { throw DataError(file: path, "is a directory, expected a file") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DataError(file: path, "cannot be read")
        }
        self.init(path: path, bytes: [UInt8](data), encoding: encoding)
        if !allowEmpty && bytes.allSatisfy({ $0 == 10 || $0 == 13 || $0 == 32 }) {
            throw DataError(file: path, "is empty")
        }
    }

    public init(path: String, bytes: [UInt8], encoding: Encoding = .utf8) {
        self.path = path
        self.bytes = bytes
        self.encoding = encoding
    }

    public var name: String { (path as NSString).lastPathComponent }

    /// Calls `body(lineNumber, bytesOfLine)` for every line that is not blank.
    public func forEachLine(_ body: (Int, ArraySlice<UInt8>) throws -> Void) throws {
        var start = 0, number = 0
        let n = bytes.count
        while start < n {
            var end = start
            while end < n && bytes[end] != 10 { end += 1 }
            number += 1
            var stop = end
            if stop > start && bytes[stop - 1] == 13 { stop -= 1 }
            if stop > start { try body(number, bytes[start..<stop]) }
            start = end + 1
        }
    }

    /// The text of a line in the file's encoding; invalid UTF-8 is an error at that line.
    public func string(_ line: ArraySlice<UInt8>, at number: Int) throws -> String {
        switch encoding {
        case .latin1:
            return String(line.map { Character(Unicode.Scalar($0)) })
        case .utf8:
            guard let s = String(validating: line, as: UTF8.self) else {
                throw error(number, "is not valid UTF-8")
            }
            return s
        }
    }

    public func error(_ line: Int, _ message: String) -> DataError {
        DataError(file: path, line: line, message)
    }
}

/// Splitting a line's bytes into fields and reading numbers from them.
enum Fields {
    /// Fields separated by one byte (tab, `|`, `,` without quotes).
    static func split(_ line: ArraySlice<UInt8>, by separator: UInt8) -> [ArraySlice<UInt8>] {
        line.split(separator: separator, omittingEmptySubsequences: false)
    }

    /// Fields separated by a two-byte separator such as `::`.
    static func split(_ line: ArraySlice<UInt8>, by a: UInt8, _ b: UInt8) -> [ArraySlice<UInt8>] {
        var fields: [ArraySlice<UInt8>] = []
        var start = line.startIndex, i = line.startIndex
        while i < line.endIndex {
            if line[i] == a && i + 1 < line.endIndex && line[i + 1] == b {
                fields.append(line[start..<i])
                i += 2
                start = i
            } else {
                i += 1
            }
        }
        fields.append(line[start..<line.endIndex])
        return fields
    }

    /// Fields of a CSV line with RFC 4180 quoting ("a, b" and doubled quotes inside).
    static func csv(_ line: ArraySlice<UInt8>) -> [String]? {
        var fields: [String] = [], current: [UInt8] = []
        var quoted = false, i = line.startIndex
        while i < line.endIndex {
            let c = line[i]
            if quoted {
                if c == 34 {
                    if i + 1 < line.endIndex && line[i + 1] == 34 { current.append(34); i += 1 } else { quoted = false }
                } else {
                    current.append(c)
                }
            } else if c == 34 && current.isEmpty {
                quoted = true
            } else if c == 44 {
                guard let s = String(validating: current, as: UTF8.self) else { return nil }
                fields.append(s)
                current.removeAll(keepingCapacity: true)
            } else {
                current.append(c)
            }
            i += 1
        }
        guard !quoted, let s = String(validating: current, as: UTF8.self) else { return nil }
        fields.append(s)
        return fields
    }

    /// A non-negative or negative decimal integer, or nil.
    static func int(_ field: ArraySlice<UInt8>) -> Int? {
        var f = field
        while let c = f.first, c == 32 { f = f.dropFirst() }
        while let c = f.last, c == 32 { f = f.dropLast() }
        var negative = false
        if f.first == 45 { negative = true; f = f.dropFirst() }
        guard !f.isEmpty, f.count <= 18 else { return nil }
        var v = 0
        for c in f {
            guard c >= 48 && c <= 57 else { return nil }
            v = v * 10 + Int(c - 48)
        }
        return negative ? -v : v
    }

    /// A decimal number such as `4`, `3.5` or `-0.25`, or nil.
    static func float(_ field: ArraySlice<UInt8>) -> Float? {
        guard let s = String(validating: field, as: UTF8.self), let v = Float(s.trimmingCharacters(in: .whitespaces)),
              v.isFinite else { return nil }
        return v
    }

    static func text(_ field: ArraySlice<UInt8>) -> String { String(decoding: field, as: UTF8.self) }
}
