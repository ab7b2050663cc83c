import Foundation

/// rec's own binary files (checkpoints, paragraph-vector files): a magic line, one line of
/// JSON, then little-endian data. The magic is how rec recognises its own files.
enum RecFile {
    /// Whether the file at `path` starts with `magic` minus its newline.
    static func starts(_ path: String, with magic: [UInt8]) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let n = magic.count - 1
        return (try? handle.read(upToCount: n)).map { Array($0) == Array(magic.prefix(n)) } ?? false
    }

    /// The JSON header's bytes and where the data after it starts; `kind` names the file in
    /// errors ("a rec checkpoint").
    static func header(_ bytes: [UInt8], magic: [UInt8], path: String, kind: String) throws -> (json: Data, dataStart: Int) {
        guard bytes.count >= magic.count, Array(bytes[0..<magic.count]) == magic else {
            let name = String(decoding: magic.dropLast(), as: UTF8.self)
            throw DataError(file: path, bytes.isEmpty ? "is empty, not \(kind)" : "is not \(kind) (no \(name) header)")
        }
        guard let end = bytes[magic.count...].firstIndex(of: 10) else {
            throw DataError(file: path, "is truncated: its header never ends")
        }
        return (Data(bytes[magic.count..<end]), end + 1)
    }

    static func append(_ t: Tensor, to bytes: inout [UInt8]) {
        bytes.reserveCapacity(bytes.count + 4 * t.count)
        for i in 0..<t.count { withUnsafeBytes(of: t.pointer[i].bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
    }

    /// A tensor of `shape` from the floats at `offset` (the caller checked they are there).
    static func read(_ bytes: [UInt8], at offset: Int, _ shape: Shape) -> Tensor {
        let t = Tensor(uninitialized: shape)
        bytes.withUnsafeBytes { raw in
            for i in 0..<t.count {
                t.pointer[i] = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset + 4 * i, as: UInt32.self)))
            }
        }
        return t
    }
}
