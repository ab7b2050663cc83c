import Foundation

/// NumPy's `.npy` format (version 1.0) for matrices: written as little-endian float32, read
/// from float32 or float64, C or Fortran order, 1-D or 2-D.
public enum NPY {
    public static func write(_ t: Tensor, to path: String) throws {
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (\(t.shape.dims.map(String.init).joined(separator: ", "))\(t.rank == 1 ? "," : "")), }"
        // magic (6) + version (2) + length (2) + header + '\n' is padded to a multiple of 64.
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
        let length = UInt16(header.utf8.count)
        data.append(contentsOf: [UInt8(length & 0xFF), UInt8(length >> 8)])
        data.append(contentsOf: Array(header.utf8))
        for i in 0..<t.count { withUnsafeBytes(of: t.pointer[i].bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        do {
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw DataError(file: path, "cannot be written: \(error.localizedDescription)")
        }
    }

    public static func read(_ path: String) throws -> Tensor {
        let bytes = try TextFile(path).bytes
        guard bytes.count >= 10, bytes[0] == 0x93, Array(bytes[1..<6]) == Array("NUMPY".utf8) else {
            throw DataError(file: path, "is not a .npy file (no \\x93NUMPY magic)")
        }
        let major = bytes[6]
        let (headerStart, headerLength): (Int, Int)
        switch major {
        case 1: (headerStart, headerLength) = (10, Int(bytes[8]) | Int(bytes[9]) << 8)
        case 2, 3:
            guard bytes.count >= 12 else { throw DataError(file: path, "truncated header") }
            headerStart = 12
            headerLength = (0..<4).reduce(0) { $0 | Int(bytes[8 + $1]) << (8 * $1) }
        default: throw DataError(file: path, "unsupported .npy version \(major)")
        }
        guard headerStart + headerLength <= bytes.count,
              let header = String(validating: bytes[headerStart..<(headerStart + headerLength)], as: UTF8.self) else {
            throw DataError(file: path, "truncated or unreadable header")
        }
        func field(_ key: String) -> String? {
            guard let r = header.range(of: "'\(key)':") else { return nil }
            return String(header[r.upperBound...]).trimmingCharacters(in: .whitespaces)
        }
        guard let descr = field("descr"), let order = field("fortran_order"), let shapeText = field("shape") else {
            throw DataError(file: path, "header lacks descr, fortran_order or shape: \(header)")
        }
        let width: Int
        if descr.hasPrefix("'<f4'") { width = 4 } else if descr.hasPrefix("'<f8'") { width = 8 } else {
            throw DataError(file: path, "unsupported dtype \(descr.prefix(6)): expected little-endian float32 or float64")
        }
        guard let open = shapeText.firstIndex(of: "("), let close = shapeText.firstIndex(of: ")") else {
            throw DataError(file: path, "unreadable shape in \(header)")
        }
        guard open < close else { throw DataError(file: path, "unreadable shape in \(header)") }
        let fields = shapeText[shapeText.index(after: open)..<close].split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let dims = fields.compactMap { Int($0) }
        guard dims.count == fields.count else {
            throw DataError(file: path, "the shape (\(fields.joined(separator: ", "))) holds something other than whole numbers")
        }
        guard (1...2).contains(dims.count) else { throw DataError(file: path, "only 1-D and 2-D arrays are supported, got shape \(dims)") }
        // The header's claim is checked (no negatives, no overflow, fits in memory) before
        // it is compared with the data or anything is allocated.
        let shape: Shape
        do { shape = try Shape(validating: dims) } catch let e as ModelError { throw DataError(file: path, "bad shape in the header: \(e.message)") }
        let start = headerStart + headerLength
        guard bytes.count - start == shape.count * width else {
            throw DataError(file: path, "holds \(bytes.count - start) data bytes, shape \(dims) needs \(shape.count * width)")
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
        if order.hasPrefix("True") && dims.count == 2 {
            // Fortran order: the data is the transpose laid out row-major.
            let flipped = try t.reshaped(Shape(dims[1], dims[0])).transposed
            return flipped
        }
        return t
    }
}
