import Foundation

/// A text file read whole, walked line by line over its bytes (no String per line unless
/// asked), with line numbers for error messages. `\r\n` endings and a UTF-8 byte-order mark
/// are accepted; UTF-16 text is refused with a clear error. A monitor, when set, is told the
/// progress and can stop a long read (Ctrl-C).
public struct TextFile {
    public enum Encoding: Sendable { case utf8, latin1 }

    public let path: String
    public let bytes: [UInt8]
    public let encoding: Encoding
    public var monitor: (any ProgressMonitor)?

    /// Reads `path`; a missing, unreadable, empty or UTF-16 file is a DataError.
    public init(_ path: String, encoding: Encoding = .utf8, allowEmpty: Bool = false) throws {
        var bytes = try Self.readBytes(path)
        if Self.isUTF16(bytes) { throw DataError(file: path, Self.utf16Message) }
        if bytes.starts(with: Self.byteOrderMark) { bytes.removeFirst(3) }  // a UTF-8 byte-order mark
        self.init(path: path, bytes: bytes, encoding: encoding)
        if !allowEmpty && bytes.allSatisfy(Self.isBlank) {
            throw DataError(file: path, "is empty")
        }
    }

    public init(path: String, bytes: [UInt8], encoding: Encoding = .utf8) {
        self.path = path
        self.bytes = bytes
        self.encoding = encoding
    }

    /// The bytes of a file as they are (binary formats: .npy, checkpoints, word2vec binary).
    public static func readBytes(_ path: String) throws -> [UInt8] {
        try checkIsFile(path)
        guard let data = FileManager.default.contents(atPath: path) else { throw unreadable(path) }
        return [UInt8](data)
    }

    /// A missing path or a directory is a DataError naming it.
    static func checkIsFile(_ path: String) throws {
        var isDirectory: ObjCBool = false
        guard !path.isEmpty, FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw DataError(file: path, "no such file")
        }
        guard !isDirectory.boolValue else { throw DataError(file: path, "is a directory, expected a file") }
    }

    static func unreadable(_ path: String) -> DataError { DataError(file: path, "cannot be read (permission denied?)") }

    static let utf16Message = "is UTF-16 text; rec reads UTF-8 (save the file as UTF-8)"
    static let nulMessage = "holds a NUL byte: is it UTF-16 or a binary file? rec reads UTF-8 text"
    static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// UTF-16's byte-order marks, little- or big-endian.
    static func isUTF16(_ head: some Collection<UInt8>) -> Bool {
        head.starts(with: [0xFF, 0xFE]) || head.starts(with: [0xFE, 0xFF])
    }

    /// Bytes that leave a file empty of content: line ends and spaces.
    @inline(__always) static func isBlank(_ byte: UInt8) -> Bool { byte == 10 || byte == 13 || byte == 32 }

    public var name: String { (path as NSString).lastPathComponent }

    /// Calls `body(lineNumber, bytesOfLine)` for every line that is not blank. A NUL byte (UTF-16
    /// without a byte-order mark, or a binary file) is an error at its line.
    public func forEachLine(_ body: (Int, ArraySlice<UInt8>) throws -> Void) throws {
        var start = 0, number = 0
        let n = bytes.count
        let firstNul = bytes.firstIndex(of: 0) ?? n
        while start < n {
            var end = start
            while end < n && bytes[end] != 10 { end += 1 }
            number += 1
            if firstNul < end { throw error(number, Self.nulMessage) }
            if number & 0x3FFF == 0, let monitor { try monitor.advance(Double(start) / Double(n), "reading \(name)") }
            var stop = end
            if stop > start && bytes[stop - 1] == 13 { stop -= 1 }
            // Blank lines, and lines of spaces and tabs alone (an editor's trailing indent), hold nothing.
            if bytes[start..<stop].contains(where: { $0 != 32 && $0 != 9 }) { try body(number, bytes[start..<stop]) }
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
                throw error(number, "is not valid UTF-8 (a Latin-1 file? iconv -f latin1 -t utf-8 FILE > NEW converts it)")
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

    /// The field without surrounding spaces and without one pair of surrounding double quotes
    /// (`"5"`, as some exports quote every field).
    static func unquoted(_ field: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var f = field
        while let c = f.first, c == 32 { f = f.dropFirst() }
        while let c = f.last, c == 32 { f = f.dropLast() }
        if f.count >= 2 && f.first == 34 && f.last == 34 { f = f.dropFirst().dropLast() }
        return f
    }

    /// A decimal integer that fits 64 bits (ids of up to 19 digits), optionally negative, or nil.
    static func int(_ field: ArraySlice<UInt8>) -> Int? {
        var f = unquoted(field)
        var negative = false
        if f.first == 45 { negative = true; f = f.dropFirst() }
        guard !f.isEmpty, f.count <= 19 else { return nil }
        var v = 0
        for c in f {
            guard c >= 48 && c <= 57 else { return nil }
            let (times10, o1) = v.multipliedReportingOverflow(by: 10)
            let (next, o2) = times10.addingReportingOverflow(Int(c - 48))
            guard !o1 && !o2 else { return nil }
            v = next
        }
        return negative ? -v : v
    }

    /// A decimal number such as `4`, `3.5`, `-0.25` or `"4.5"`, or nil.
    static func float(_ field: ArraySlice<UInt8>) -> Float? {
        let f = unquoted(field)
        guard f.count <= 64, let s = String(validating: f, as: UTF8.self), let v = Float(s), v.isFinite else { return nil }
        return v
    }

    static func text(_ field: ArraySlice<UInt8>) -> String { String(decoding: field, as: UTF8.self) }
}
