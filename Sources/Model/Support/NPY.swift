import Foundation

/// NumPy's `.npy` format. Read: versions 1 to 3, every numeric dtype (float16/32/64, signed
/// and unsigned integers of 1 to 8 bytes, bool; either byte order), C or Fortran order, 0 to
/// 4 axes — into float32, the one number type of rec's tensors. Written: version 1, C order,
/// little-endian, float32 unless another dtype is asked for.
public enum NPY {
    /// A file read: its tensor, the dtype it was stored in, and what float32 could not keep.
    public struct Loaded {
        public let tensor: Tensor
        public let dtype: DType
        /// Integers beyond 2^24 (float32's mantissa), which load rounded to the nearest float32.
        public let inexactIntegers: Int
        /// Finite float64 values beyond float32's range (±3.4e38), which load as ±inf.
        public let overflowed: Int
    }

    public static func write(_ t: Tensor, to path: String, dtype: DType = .float32) throws {
        try AtomicFile.write(to: path) { emit in try pieces(t, dtype: dtype, emit) }
    }

    /// The bytes `write` writes. Throws when a value does not fit the dtype: a fraction, NaN
    /// or ±inf for an integer dtype, a number outside its range, anything but 0 and 1 for bool.
    public static func encode(_ t: Tensor, dtype: DType = .float32) throws -> [UInt8] {
        var bytes: [UInt8] = []
        try pieces(t, dtype: dtype) { bytes += $0 }
        return bytes
    }

    /// Values encoded per piece of this many (4 MB of float32).
    static let valuesPerPiece = 1 << 20

    /// The header, then the values a piece at a time (one reused buffer, Ctrl-C looked at
    /// between pieces): a tensor of a few GB is never copied whole.
    static func pieces(_ t: Tensor, dtype: DType, _ emit: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard DType.writable.contains(dtype) else { throw ModelError("npy", "rec does not write \(dtype)") }
        let dims = t.shape.dims.map(String.init).joined(separator: ", ") + (t.rank == 1 ? "," : "")
        var header = "{'descr': '\(dtype.descr)', 'fortran_order': False, 'shape': (\(dims)), }"
        // magic (6) + version (2) + length (2) + header + '\n' is padded to a multiple of 64.
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        let length = UInt16(header.utf8.count)
        let head: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(length & 0xFF), UInt8(length >> 8)] + Array(header.utf8)
        try head.withUnsafeBytes { try emit($0) }
        var buffer = [UInt8](repeating: 0, count: dtype.width * Swift.min(t.count, valuesPerPiece))
        for start in stride(from: 0, to: t.count, by: valuesPerPiece) {
            if start > 0 { try Interruption.check() }
            let n = Swift.min(valuesPerPiece, t.count - start)
            try NPYValues.encode(UnsafeBufferPointer(start: t.pointer + start, count: n), dtype, into: &buffer, at: 0) { i in
                unfit(t, at: start + i, dtype)
            }
            try buffer.withUnsafeBytes { try emit(UnsafeRawBufferPointer(rebasing: $0[0..<(n * dtype.width)])) }
        }
    }

    /// The error for a value `dtype` cannot hold.
    private static func unfit(_ t: Tensor, at i: Int, _ dtype: DType) -> ModelError {
        let v = t.pointer[i]
        let range: String = switch dtype.kind {
        case .bool: "only 0 and 1"
        case .float: "numbers"
        case .signed: "whole numbers from -2^\(8 * dtype.width - 1) to 2^\(8 * dtype.width - 1) − 1"
        case .unsigned: "whole numbers from 0 to 2^\(8 * dtype.width) − 1"
        }
        let value = v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : "\(v)"
        return ModelError("npy", "the value \(value) at \(t.shape.index(ofFlat: i)) does not fit \(dtype), which holds \(range)")
    }

    public static func read(_ path: String) throws -> Tensor { try load(path).tensor }

    public static func load(_ path: String) throws -> Loaded {
        let bytes = try TextFile.readBytes(path)
        func fail(_ message: String) -> DataError { DataError(file: path, message) }
        let (headerStart, headerLength) = try Header.locate(bytes, fail)
        guard let header = String(validating: bytes[headerStart..<(headerStart + headerLength)], as: UTF8.self) else {
            throw fail("has an unreadable header (not text)")
        }
        let (shape, dtype, fortran) = try Header.parse(header, fail)
        let start = headerStart + headerLength, available = bytes.count - start, width = dtype.width
        guard shape.count <= available / width, shape.count * width == available else {
            throw fail("holds \(available) data bytes, shape \(shape.dims) of \(width)-byte numbers needs \(shape.count <= Int.max / 8 ? String(shape.count * width) : "far more")")
        }
        // Fortran order stores the first axis fastest: the C layout of the reversed shape.
        let stored = Tensor(uninitialized: fortran ? Shape(unchecked: Array(shape.dims.reversed())) : shape)
        let losses = bytes.withUnsafeBytes { NPYValues.decode($0, at: start, count: shape.count, dtype, into: stored.pointer) }
        let tensor = fortran && shape.rank > 1 ? reversingAxes(stored, to: shape) : stored
        return Loaded(tensor: tensor, dtype: dtype, inexactIntegers: losses.inexact, overflowed: losses.overflowed)
    }

    /// `t` (of the reversed shape) with its axes reversed, in C order: a Fortran array's values.
    static func reversingAxes(_ t: Tensor, to shape: Shape) -> Tensor {
        let dims = shape.dims, rank = dims.count
        var strides = [Int](repeating: 1, count: rank)  // of `t`, in the order of `shape`'s axes
        for k in 1..<rank { strides[k] = strides[k - 1] * dims[k - 1] }
        let out = Tensor(uninitialized: shape)
        var index = [Int](repeating: 0, count: rank), offset = 0
        for i in 0..<shape.count {
            out.pointer[i] = t.pointer[offset]
            var k = rank - 1
            while k >= 0 {
                index[k] += 1
                offset += strides[k]
                if index[k] < dims[k] { break }
                offset -= strides[k] * dims[k]
                index[k] = 0
                k -= 1
            }
        }
        return out
    }
}

extension Shape {
    /// The multi-index of a flat (row-major) position, as text: `[1, 0, 2]`.
    func index(ofFlat flat: Int) -> String {
        var rest = flat, index = [Int](repeating: 0, count: rank)
        for k in stride(from: rank - 1, through: 0, by: -1) where self[k] > 0 {
            index[k] = rest % self[k]
            rest /= self[k]
        }
        return "[" + index.map(String.init).joined(separator: ", ") + "]"
    }
}
