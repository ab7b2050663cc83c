import XCTest
import Foundation
@testable import Model

/// `.npy` in every numeric dtype, byte order and rank rec reads (files made byte by byte as
/// NumPy lays them out); what float32 cannot keep is counted; writing refuses values a dtype
/// cannot hold. The round trip with NumPy itself is `NumpyRoundTripTests`.
final class NPYDTypeTests: XCTestCase {
    var dir = ""

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "rec-npy-dtypes-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }

    /// A version-1 file with this descr, order and shape; `values` laid out in the dtype's bytes.
    func file(_ descr: String, shape: [Int], fortran: Bool = false, _ values: [Double]) throws -> String {
        let dims = shape.map(String.init).joined(separator: ", ") + (shape.count == 1 ? "," : "")
        var header = "{'descr': '\(descr)', 'fortran_order': \(fortran ? "True" : "False"), 'shape': (\(dims)), }"
        header += String(repeating: " ", count: (64 - (10 + header.utf8.count + 1) % 64) % 64) + "\n"
        var bytes = [UInt8(0x93)] + Array("NUMPY".utf8) + [1, 0, UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)] + Array(header.utf8)
        let dtype = try XCTUnwrap(NPY.DType(descr: descr), descr)
        for v in values {
            var little: [UInt8]
            switch (dtype.kind, dtype.width) {
            case (.float, 2): little = withUnsafeBytes(of: Float16Bits.of(v)) { Array($0) }
            case (.float, 4): little = withUnsafeBytes(of: Float(v).bitPattern.littleEndian) { Array($0) }
            case (.float, _): little = withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) }
            case (.unsigned, _), (.bool, _): little = withUnsafeBytes(of: UInt64(v).littleEndian) { Array($0.prefix(dtype.width)) }
            case (.signed, _): little = withUnsafeBytes(of: Int64(v).littleEndian) { Array($0.prefix(dtype.width)) }
            }
            bytes += dtype.bigEndian ? little.reversed() : little
        }
        let path = dir + "/\(UUID().uuidString).npy"
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return path
    }

    func testEveryDtypeInBothByteOrders() throws {
        let values: [Double] = [0, 1, 2, 7, 100, 127]
        for dtype in NPY.DType.all {
            let vs = dtype.kind == .bool ? [0, 1, 1, 0, 1, 0] : dtype.kind == .signed ? values.map { $0 == 7 ? -7 : $0 } : values
            for order in dtype.width == 1 ? ["|"] : ["<", ">"] {
                let descr = order + String(dtype.descr.dropFirst())
                let loaded = try NPY.load(try file(descr, shape: [2, 3], vs))
                XCTAssertEqual(loaded.tensor.shape, Shape(2, 3), descr)
                XCTAssertEqual(loaded.tensor.scalars, vs.map { Float($0) }, descr)
                XCTAssertEqual(loaded.dtype.description, dtype.description, descr)
                XCTAssertEqual(loaded.inexactIntegers, 0, descr)
            }
        }
        // Fractions survive the float dtypes (exactly where the dtype holds them).
        XCTAssertEqual(try NPY.read(try file("<f8", shape: [3], [0.5, -1.25, 1e-3])).scalars, [0.5, -1.25, Float(1e-3)])
        XCTAssertEqual(try NPY.read(try file(">f2", shape: [3], [0.5, -1.25, 65504])).scalars, [0.5, -1.25, 65504])
    }

    func testZeroToFourAxesAndFortranOrder() throws {
        let scalar = try NPY.read(try file("<i4", shape: [], [42]))
        XCTAssertEqual(scalar.shape, .scalar)
        XCTAssertEqual(scalar.scalars, [42])
        XCTAssertEqual(try NPY.read(try file("<f4", shape: [0], [])).shape, Shape(0))
        let c3 = (0..<24).map(Double.init)
        XCTAssertEqual(try NPY.read(try file("<u2", shape: [2, 3, 4], c3)).scalars, c3.map { Float($0) })
        XCTAssertEqual(try NPY.read(try file("<f4", shape: [1, 2, 3, 4], c3)).shape.dims, [1, 2, 3, 4])
        // The same [2, 3, 4] array in Fortran order: the first axis fastest.
        var fortran: [Double] = []
        for k in 0..<4 { for j in 0..<3 { for i in 0..<2 { fortran.append(c3[i * 12 + j * 4 + k]) } } }
        let f = try NPY.read(try file(">i8", shape: [2, 3, 4], fortran: true, fortran))
        XCTAssertEqual(f.shape.dims, [2, 3, 4])
        XCTAssertEqual(f.scalars, c3.map { Float($0) })
        XCTAssertEqual(try NPY.read(try file("<f4", shape: [3], fortran: true, [1, 2, 3])).scalars, [1, 2, 3], "1-D is the same in both orders")
    }

    func testWhatFloat32CannotKeepIsCounted() throws {
        let big = try NPY.load(try file("<i8", shape: [4], [16_777_216, 16_777_217, -16_777_219, 3]))
        XCTAssertEqual(big.inexactIntegers, 2)
        XCTAssertEqual(big.tensor.scalars, [16_777_216, 16_777_216, -16_777_220, 3])
        XCTAssertEqual(try NPY.load(try file("<u4", shape: [1], [4_294_967_295])).inexactIntegers, 1)
        let wide = try NPY.load(try file("<f8", shape: [3], [1e300, -1e300, .infinity]))
        XCTAssertEqual(wide.overflowed, 2, "an infinity that was one already is not counted")
        XCTAssertEqual(wide.tensor.scalars, [.infinity, -.infinity, .infinity])
    }

    func testHalfPrecisionSpecialValues() {
        XCTAssertEqual(NPYValues.half(0x0001), 0x1p-24, "the smallest subnormal")
        XCTAssertEqual(NPYValues.half(0x03FF), Float(1023) * 0x1p-24)
        XCTAssertEqual(NPYValues.half(0x7BFF), 65504)
        XCTAssertEqual(NPYValues.half(0x7C00), .infinity)
        XCTAssertEqual(NPYValues.half(0xFC00), -.infinity)
        XCTAssertTrue(NPYValues.half(0x7E00).isNaN)
        XCTAssertEqual(NPYValues.half(0x8000).sign, .minus)
        XCTAssertEqual(NPYValues.half(0x3C00), 1)
        XCTAssertEqual(NPYValues.half(0xC000), -2)
    }

    func testWritingRefusesValuesTheDtypeCannotHold() throws {
        let t = try Tensor(rows: [[1, 2], [3, .nan]])
        XCTAssertThrowsError(try NPY.encode(t, dtype: NPY.DType(.signed, 4))) {
            XCTAssertEqual("\($0)", "npy: the value nan at [1, 1] does not fit int32, which holds whole numbers from -2^31 to 2^31 − 1")
        }
        XCTAssertThrowsError(try NPY.encode(Tensor([-1]), dtype: NPY.DType(.unsigned, 8))) { XCTAssertTrue("\($0)".contains("-1 at [0]"), "\($0)") }
        XCTAssertThrowsError(try NPY.encode(Tensor([0.5]), dtype: NPY.DType(.bool, 1))) { XCTAssertTrue("\($0)".contains("only 0 and 1"), "\($0)") }
        XCTAssertThrowsError(try NPY.encode(Tensor([1]), dtype: NPY.DType(.float, 2))) { XCTAssertEqual("\($0)", "npy: rec does not write float16") }
        let back = try NPY.encode(try Tensor(rows: [[1, 2], [3, .nan]]), dtype: NPY.DType(.float, 8))
        XCTAssertTrue(String(decoding: back[10...], as: UTF8.self).hasPrefix("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }"))
    }

    func testDtypeNames() {
        XCTAssertEqual(NPY.DType(name: "float64"), NPY.DType(.float, 8))
        XCTAssertEqual(NPY.DType(name: "i8"), NPY.DType(.signed, 8))
        XCTAssertEqual(NPY.DType(name: "<u2"), NPY.DType(.unsigned, 2))
        XCTAssertEqual(NPY.DType(name: "bool"), NPY.DType(.bool, 1))
        XCTAssertEqual(NPY.DType(name: "b1"), NPY.DType(.bool, 1))
        XCTAssertNil(NPY.DType(name: "complex64"))
        XCTAssertNil(NPY.DType(name: ">f4"), "rec writes little-endian")
        XCTAssertNil(NPY.DType(descr: "|f4"), "'|' is for one-byte dtypes")
        XCTAssertEqual(NPY.DType.all.map(\.descr), ["<f2", "<f4", "<f8", "|i1", "<i2", "<i4", "<i8", "|u1", "<u2", "<u4", "<u8", "|b1"])
    }
}

/// Half-precision bit patterns of the few doubles the tests write (exact in half).
enum Float16Bits {
    static func of(_ v: Double) -> UInt16 {
        switch v {
        case 0: return 0x0000
        case 1: return 0x3C00
        case 2: return 0x4000
        case 7: return 0x4700
        case 100: return 0x5640
        case 127: return 0x57F0
        case 0.5: return 0x3800
        case -1.25: return 0xBD00
        case 65504: return 0x7BFF
        default: preconditionFailure("no half pattern for \(v) in the test table")
        }
    }
}
