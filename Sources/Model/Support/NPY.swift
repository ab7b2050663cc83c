import Foundation

/// NumPy's `.npy` format (version 1.0) for matrices: written as little-endian float32, read
/// from float32 or float64, C or Fortran order, 1-D or 2-D.
public enum NPY {
    public static func write(_ t: Tensor, to path: String) throws {
        try AtomicFile.write(encode(t), to: path)
    }

    /// The bytes `write` writes.
    public static func encode(_ t: Tensor) -> [UInt8] {
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (\(t.shape.dims.map(String.init).joined(separator: ", "))\(t.rank == 1 ? "," : "")), }"
        // magic (6) + version (2) + length (2) + header + '\n' is padded to a multiple of 64.
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0]
        let length = UInt16(header.utf8.count)
        bytes.append(contentsOf: [UInt8(length & 0xFF), UInt8(length >> 8)])
        bytes.append(contentsOf: Array(header.utf8))
        bytes.reserveCapacity(bytes.count + 4 * t.count)
        for i in 0..<t.count { withUnsafeBytes(of: t.pointer[i].bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
        return bytes
    }

    public static func read(_ path: String) throws -> Tensor {
        let bytes = try TextFile.readBytes(path)
        func fail(_ message: String) -> DataError { DataError(file: path, message) }
        guard !bytes.isEmpty else { throw fail("is empty") }
        guard bytes.count >= 10, bytes[0] == 0x93, Array(bytes[1..<6]) == Array("NUMPY".utf8) else {
            throw fail("is not a .npy file (no \\x93NUMPY magic)")
        }
        let major = bytes[6]
        let (headerStart, headerLength): (Int, Int)
        switch major {
        case 1: (headerStart, headerLength) = (10, Int(bytes[8]) | Int(bytes[9]) << 8)
        case 2, 3:
            guard bytes.count >= 12 else { throw fail("is truncated inside its header") }
            headerStart = 12
            headerLength = (0..<4).reduce(0) { $0 | Int(bytes[8 + $1]) << (8 * $1) }
        default: throw fail("is .npy version \(major); rec reads versions 1 to 3")
        }
        guard headerStart + headerLength <= bytes.count else {
            throw fail("is truncated: its header claims \(headerLength) bytes, the file holds \(bytes.count - headerStart) after the magic")
        }
        guard let header = String(validating: bytes[headerStart..<(headerStart + headerLength)], as: UTF8.self) else {
            throw fail("has an unreadable header (not text)")
        }
        let (shape, width, fortran) = try Header.parse(header, fail)
        let start = headerStart + headerLength, available = bytes.count - start
        guard shape.count <= available / width, shape.count * width == available else {
            throw fail("holds \(available) data bytes, shape \(shape.dims) of \(width)-byte numbers needs \(shape.count <= Int.max / 8 ? String(shape.count * width) : "far more")")
        }
        let t = Tensor(uninitialized: shape)
        bytes.withUnsafeBytes { raw in
            for i in 0..<shape.count {
                if width == 4 {
                    t.pointer[i] = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: start + 4 * i, as: UInt32.self)))
                } else {
                    t.pointer[i] = Float(Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: start + 8 * i, as: UInt64.self))))
                }
            }
        }
        if fortran && shape.rank == 2 {
            // Fortran order: the data is the transpose laid out row-major.
            return try t.reshaped(Shape(shape[1], shape[0])).transposed
        }
        return t
    }

    /// The header's dictionary: `descr` (little-endian float32 or float64), `fortran_order`
    /// and a 1-D or 2-D `shape`, whose element count must fit in memory's addressing.
    enum Header {
        static func parse(_ header: String, _ fail: (String) -> DataError) throws -> (Shape, width: Int, fortran: Bool) {
            func field(_ key: String) -> Substring? {
                guard let r = header.range(of: "'\(key)':") else { return nil }
                return header[r.upperBound...].drop { $0 == " " }
            }
            guard let descr = field("descr"), let order = field("fortran_order"), let shapeText = field("shape") else {
                throw fail("has a header without descr, fortran_order or shape: \(DataError.quote(header))")
            }
            let width: Int
            if descr.hasPrefix("'<f4'") { width = 4 } else if descr.hasPrefix("'<f8'") { width = 8 } else {
                let dtype = descr.prefix { $0 != "," }.trimmingCharacters(in: CharacterSet(charactersIn: "' "))
                throw fail("holds dtype \(DataError.quote(dtype, limit: 12)); rec reads little-endian float32 or float64 ('<f4', '<f8')")
            }
            guard shapeText.first == "(", let close = shapeText.firstIndex(of: ")") else {
                throw fail("has an unreadable shape in its header: \(DataError.quote(header))")
            }
            let parts = shapeText[shapeText.index(after: shapeText.startIndex)..<close].split(separator: ",")
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            let dims = parts.compactMap { Int($0) }
            guard dims.count == parts.count else {
                throw fail("the shape (\(DataError.quote(parts.joined(separator: ", "), limit: 60).dropFirst().dropLast())) holds something other than whole numbers")
            }
            guard (1...2).contains(dims.count) else { throw fail("holds a \(dims.count)-D array; rec reads 1-D and 2-D arrays") }
            // The claim is checked (no negatives, no overflow, fits in memory) before anything is allocated.
            do { return (try Shape(validating: dims), width, order.hasPrefix("True")) } catch let e as ModelError {
                throw fail("bad shape in the header: \(e.message)")
            }
        }
    }
}
