/// The numbers of a `.npy` file to and from float32, one tight loop per dtype.
enum NPYValues {
    /// What reading into float32 could not keep exactly.
    struct Losses {
        /// Integers beyond float32's 24-bit mantissa, stored rounded.
        var inexact = 0
        /// Finite float64 values beyond float32's range, stored as ±inf.
        var overflowed = 0
    }

    /// Decodes `count` values of `dtype` starting at byte `start` into `out`.
    static func decode(_ raw: UnsafeRawBufferPointer, at start: Int, count: Int, _ dtype: NPY.DType,
                       into out: UnsafeMutablePointer<Float>) -> Losses {
        let big = dtype.bigEndian
        var losses = Losses()
        switch (dtype.kind, dtype.width) {
        case (.float, 2): load(raw, start, count, big, out) { (h: UInt16) in half(h) }
        case (.float, 4): load(raw, start, count, big, out) { (b: UInt32) in Float(bitPattern: b) }
        case (.float, _):
            load(raw, start, count, big, out) { (b: UInt64) in Float(Double(bitPattern: b)) }
            for i in 0..<count where out[i].isInfinite {
                if (readRaw(raw, start + 8 * i, big) as UInt64).isFiniteDouble { losses.overflowed += 1 }
            }
        case (.signed, 1): load(raw, start, count, big, out) { (v: Int8) in Float(v) }
        case (.signed, 2): load(raw, start, count, big, out) { (v: Int16) in Float(v) }
        case (.signed, 4): losses.inexact = integers(Int32.self, raw, start, count, big, out)
        case (.signed, _): losses.inexact = integers(Int64.self, raw, start, count, big, out)
        case (.unsigned, 1): load(raw, start, count, big, out) { (v: UInt8) in Float(v) }
        case (.unsigned, 2): load(raw, start, count, big, out) { (v: UInt16) in Float(v) }
        case (.unsigned, 4): losses.inexact = integers(UInt32.self, raw, start, count, big, out)
        case (.unsigned, _): losses.inexact = integers(UInt64.self, raw, start, count, big, out)
        case (.bool, _): load(raw, start, count, big, out) { (v: UInt8) in v == 0 ? 0 : 1 }
        }
        return losses
    }

    @inline(__always)
    static func readRaw<T: FixedWidthInteger>(_ raw: UnsafeRawBufferPointer, _ offset: Int, _ big: Bool) -> T {
        let bits = raw.loadUnaligned(fromByteOffset: offset, as: T.self)
        return big ? T(bigEndian: bits) : T(littleEndian: bits)
    }

    @inline(__always)
    static func load<T: FixedWidthInteger>(_ raw: UnsafeRawBufferPointer, _ start: Int, _ count: Int, _ big: Bool,
                                           _ out: UnsafeMutablePointer<Float>, _ convert: (T) -> Float) {
        let size = MemoryLayout<T>.size
        for i in 0..<count { out[i] = convert(readRaw(raw, start + size * i, big)) }
    }

    /// Wide integers, counting those float32 cannot hold exactly (beyond 2^24).
    static func integers<T: FixedWidthInteger>(_: T.Type, _ raw: UnsafeRawBufferPointer, _ start: Int, _ count: Int, _ big: Bool,
                                               _ out: UnsafeMutablePointer<Float>) -> Int {
        var inexact = 0
        for i in 0..<count {
            let v: T = readRaw(raw, start + MemoryLayout<T>.size * i, big)
            let f = Float(v)
            out[i] = f
            if T(exactly: f) != v { inexact += 1 }
        }
        return inexact
    }

    /// IEEE half precision to single: exact (every half is a float).
    static func half(_ h: UInt16) -> Float {
        let sign: Float = h & 0x8000 != 0 ? -1 : 1
        let exponent = Int(h >> 10) & 0x1F, mantissa = UInt32(h & 0x3FF)
        switch exponent {
        case 0: return sign * Float(mantissa) * 0x1p-24
        case 31: return mantissa == 0 ? sign * .infinity : .nan
        default: return Float(bitPattern: (h & 0x8000 != 0 ? 0x8000_0000 : 0) | UInt32(exponent + 112) << 23 | mantissa << 13)
        }
    }
}

extension UInt64 {
    var isFiniteDouble: Bool { Double(bitPattern: self).isFinite }
}

/// Float32 values into the bytes of another dtype, refusing values the dtype cannot hold.
extension NPYValues {
    /// The bytes of `values` as little-endian `dtype`; throws at the first value that does
    /// not fit (a fraction or NaN for an integer dtype, a number out of its range).
    static func encode(_ values: UnsafeBufferPointer<Float>, _ dtype: NPY.DType, into bytes: inout [UInt8],
                       at start: Int, where fail: (Int) -> ModelError) throws {
        try bytes.withUnsafeMutableBytes { raw in
            switch (dtype.kind, dtype.width) {
            case (.float, 4): store(values, raw, start) { $0.bitPattern }
            case (.float, _): store(values, raw, start) { Double($0).bitPattern }
            case (.signed, 1): try integers(Int8.self, values, raw, start, fail)
            case (.signed, 2): try integers(Int16.self, values, raw, start, fail)
            case (.signed, 4): try integers(Int32.self, values, raw, start, fail)
            case (.signed, _): try integers(Int64.self, values, raw, start, fail)
            case (.unsigned, 1): try integers(UInt8.self, values, raw, start, fail)
            case (.unsigned, 2): try integers(UInt16.self, values, raw, start, fail)
            case (.unsigned, 4): try integers(UInt32.self, values, raw, start, fail)
            case (.unsigned, _): try integers(UInt64.self, values, raw, start, fail)
            case (.bool, _):
                for (i, v) in values.enumerated() {
                    guard v == 0 || v == 1 else { throw fail(i) }
                    raw.storeBytes(of: v == 1 ? UInt8(1) : 0, toByteOffset: start + i, as: UInt8.self)
                }
            }
        }
    }

    @inline(__always)
    static func store<T: FixedWidthInteger>(_ values: UnsafeBufferPointer<Float>, _ raw: UnsafeMutableRawBufferPointer, _ start: Int,
                                            _ convert: (Float) -> T) {
        for (i, v) in values.enumerated() {
            raw.storeBytes(of: convert(v).littleEndian, toByteOffset: start + MemoryLayout<T>.size * i, as: T.self)
        }
    }

    static func integers<T: FixedWidthInteger>(_: T.Type, _ values: UnsafeBufferPointer<Float>, _ raw: UnsafeMutableRawBufferPointer,
                                               _ start: Int, _ fail: (Int) -> ModelError) throws {
        for (i, v) in values.enumerated() {
            guard let x = T(exactly: v) else { throw fail(i) }
            raw.storeBytes(of: x.littleEndian, toByteOffset: start + MemoryLayout<T>.size * i, as: T.self)
        }
    }
}
