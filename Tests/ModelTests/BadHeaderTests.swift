import XCTest
import Foundation
@testable import Model

/// Headers are claims: a .npy shape or a word2vec count × dim that no file or machine can
/// hold is a DataError naming the file, checked before anything is allocated (these inputs
/// used to end in SIGILL: an overflowing count, a size class past the pool's table).
final class BadHeaderTests: XCTestCase {
    var dir = ""

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "rec-headers-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }

    func write(_ name: String, _ bytes: [UInt8]) -> String {
        let path = dir + "/" + name
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return path
    }

    /// A version-1 .npy file with this header text and `data` bytes after it.
    func npy(_ header: String, data: Int = 0) -> String {
        let h = Array(header.utf8)
        return write("t.npy", [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(h.count & 0xFF), UInt8(h.count >> 8)] + h
                     + [UInt8](repeating: 0, count: data))
    }

    func expectDataError(_ path: String, containing: String, file: StaticString = #filePath, line: UInt = #line,
                         _ body: (String) throws -> Any) {
        XCTAssertThrowsError(try body(path), file: file, line: line) { error in
            guard let e = error as? DataError else { return XCTFail("not a DataError: \(error)", file: file, line: line) }
            XCTAssertTrue(e.message.contains(containing), "\(e)", file: file, line: line)
        }
    }

    func testNPYHeadersClaimingTooMuchAreErrors() {
        let huge = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999, 99999999999), }\n", data: 16)
        expectDataError(huge, containing: "needs more memory than any machine has") { try NPY.read($0) }
        let big = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1000000, 1000000), }\n", data: 16)
        expectDataError(big, containing: "needs 3.6 TB") { try NPY.read($0) }
        let overflowing = npy("{'descr': '<f8', 'fortran_order': False, 'shape': (4611686018427387904,), }\n", data: 16)
        expectDataError(overflowing, containing: "bad shape") { try NPY.read($0) }
    }

    func testNPYShapesThatAreNotWholeNumbersAreErrors() {
        let negative = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (-1, 3), }\n", data: 12)
        expectDataError(negative, containing: "negative") { try NPY.read($0) }
        // 20 digits do not fit an Int: once silently dropped, so (3, 1e20) read as (3,).
        let tooLong = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 99999999999999999999), }\n", data: 12)
        expectDataError(tooLong, containing: "whole numbers") { try NPY.read($0) }
        let float = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1e3,), }\n", data: 12)
        expectDataError(float, containing: "whole numbers") { try NPY.read($0) }
        let reversed = npy("{'descr': '<f4', 'fortran_order': False, 'shape': )3,(, }\n", data: 12)
        expectDataError(reversed, containing: "unreadable shape") { try NPY.read($0) }
    }

    func testNPYVersion2HeaderLengthBeyondTheFileIsAnError() {
        let path = write("v2.npy", [0x93] + Array("NUMPY".utf8) + [2, 0, 0xFF, 0xFF, 0xFF, 0xFF] + Array("{'descr'".utf8))
        expectDataError(path, containing: "truncated") { try NPY.read($0) }
    }

    func testAGoodNPYStillReads() throws {
        let t = try Tensor(rows: [[1, 2], [3, 4]])
        try NPY.write(t, to: dir + "/ok.npy")
        XCTAssertEqual(try NPY.read(dir + "/ok.npy").scalars, [1, 2, 3, 4])
    }

    func testWord2VecHeadersClaimingMoreThanTheFileAreErrors() {
        let body: [UInt8] = Array("a ".utf8) + [UInt8](repeating: 0, count: 8)
        for header in ["1000000000000 1000000000000", "999999999999999999 999999999999999999", "3 1000000000", "2 2"] {
            let path = write("v.bin", Array((header + "\n").utf8) + body)
            expectDataError(path, containing: "the header claims") { try WordVectors.load($0) }
        }
    }

    func testWord2VecHeaderWithoutANewlineIsAnError() {
        // The body began one byte past the end of the file: an out-of-range slice.
        let path = write("v.txt", Array("3 4".utf8))
        XCTAssertThrowsError(try WordVectors.load(path)) { XCTAssertTrue($0 is DataError, "\($0)") }
    }

    func testAGoodWord2VecBinaryStillReads() throws {
        var bytes = Array("2 2\n".utf8)
        for (word, values) in [("cat", [Float(1), 2]), ("dog", [3, 4])] {
            bytes += Array((word + " ").utf8)
            for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes += $0 } }
            bytes.append(10)
        }
        let v = try WordVectors.load(write("ok.bin", bytes))
        XCTAssertEqual(v.words, ["cat", "dog"])
        XCTAssertEqual(v.vectors.scalars, [1, 2, 3, 4])
    }
}
