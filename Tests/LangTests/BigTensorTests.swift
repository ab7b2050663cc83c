import Foundation
import XCTest
@testable import Lang
@testable import Model

/// Tensors of a GB or more: Ctrl-C stops making them and the session keeps what it had.
final class BigTensorTests: XCTestCase {
    /// A random fill of 1 GB takes over a second on any machine (a normal draw per value): the
    /// flag set a little after it starts must stop it, and bind nothing.
    func testCtrlCStopsABigRandomFillAndBindsNothing() throws {
        let session = Session(seed: 1)
        XCTAssertEqual(session.run("x = 7", origin: "test").last?.status, .ok)
        let flag = session.cancel
        let pressed = Thread {
            Thread.sleep(forTimeInterval: 0.3)
            flag.set()
        }
        pressed.start()
        let records = session.run("x = randn([2.5e8])", origin: "test")
        XCTAssertEqual(records.last?.error?.kind, .interrupted, "\(String(describing: records.last?.error))")
        guard case .number(7)? = session.variables["x"] else { return XCTFail("x changed: \(String(describing: session.variables["x"]))") }
        XCTAssertEqual(session.run("y = ones([3, 4])\ny.shape", origin: "test").map(\.status), [.ok, .ok])
    }

    /// A reservation is the memory of the next allocation of its exact size; one nobody takes
    /// is freed; Ctrl-C while touching it leaves none behind.
    func testAReservationServesTheNextTakeOfItsSize() throws {
        let pool = BufferPool.shared, count = BufferPool.largest + 1000
        try pool.reserve(count, check: {})
        let first = try XCTUnwrap(pool.take(count))
        XCTAssertEqual(first.1, BufferPool.exact)
        pool.give(first.0, sizeClass: first.1)
        try pool.reserve(count, check: {})
        pool.dropReservation()
        XCTAssertThrowsError(try pool.reserve(count, check: { throw Cancelled() }))
        let second = try XCTUnwrap(pool.take(count))  // a fresh buffer: nothing was left reserved
        XCTAssertEqual(second.1, BufferPool.exact)
        pool.give(second.0, sizeClass: second.1)
    }

    /// Interrupted chunked fills still draw the same values as one pass when not interrupted.
    func testChunkedFillsDrawTheSameValuesAsOnePass() throws {
        let n = Interruption.chunk * 2 + 5
        let chunked = try Tensor.normal(Shape(n), rng: RandomSource(seed: 3))
        let rng = RandomSource(seed: 3)
        let direct = (0..<n).map { _ in rng.normal() }
        XCTAssertEqual(chunked.scalars, direct)
    }
}

/// Products big enough to go in blocks of rows give what one sgemm call gives.
final class BlockedProductTests: XCTestCase {
    func testABlockedProductEqualsTheWholeOne() throws {
        let rng = RandomSource(seed: 4)
        // 1100³ multiply-adds is past `flopsBetweenChecks`: a block of 887 rows and the rest.
        let a = try Tensor.normal(Shape(1100, 1100), rng: rng), b = try Tensor.normal(Shape(1100, 1100), rng: rng)
        XCTAssertGreaterThan(1100 * 1100 * 1100, Tensor.flopsBetweenChecks)
        for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
            let blocked = try a.matmul(b, transposeSelf: ta, transposeOther: tb)
            let whole = Tensor(uninitialized: blocked.shape)
            BLAS.gemm(a, transposeA: ta, b, transposeB: tb, into: whole)
            let diff = zip(blocked.scalars, whole.scalars).map { abs($0 - $1) }.max() ?? 0
            XCTAssertLessThan(diff, 1e-3, "transposes \(ta) \(tb)")
        }
    }
}

/// Empty tensors with billions of empty rows: nothing to compute, so nothing to wait for
/// (the 1M-statement fuzz run's one hang: `softmax(randn([1e9, 5, 0]))`).
final class EmptyRowsTests: XCTestCase {
    func testRowWiseOpsOnBillionsOfEmptyRowsReturnAtOnce() throws {
        let session = Session(seed: 1)
        let records = session.run("""
            v = randn([1e9, 5, 0])
            s = softmax(v)
            s.shape
            w = v * 2 + tensor([[1]])
            w.shape
            """, origin: "test")
        XCTAssertEqual(records.map(\.status), [.ok, .ok, .ok, .ok, .ok], "\(records.map { $0.error.map { "\($0)" } ?? "ok" })")
        guard case .list(let dims)? = records[2].value else { return XCTFail("no shape") }
        XCTAssertEqual(dims.count, 3)
    }
}

/// `.npy` files are written a piece at a time (so a few GB stop at Ctrl-C): the same bytes as
/// one encoding, and a value that does not fit the dtype late in the file leaves no file.
final class PiecewiseNPYTests: XCTestCase {
    func testPiecesMakeTheSameFileAndAFailureLeavesNothing() throws {
        let dir = NSTemporaryDirectory() + "rec-npy-pieces-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let n = NPY.valuesPerPiece * 2 + 3
        let t = Tensor(uninitialized: Shape(n))
        for i in 0..<n { t.pointer[i] = Float(i % 100) }
        for dtype in [NPY.DType.float32, NPY.DType(.float, 8), NPY.DType(.signed, 2)] {
            try NPY.write(t, to: dir + "/a.npy", dtype: dtype)
            XCTAssertEqual(Array(try Data(contentsOf: URL(fileURLWithPath: dir + "/a.npy"))), try NPY.encode(t, dtype: dtype))
            XCTAssertEqual(try NPY.read(dir + "/a.npy").scalars, t.scalars)
        }
        t.pointer[n - 1] = 1000  // beyond int8, in the last piece
        XCTAssertThrowsError(try NPY.write(t, to: dir + "/b.npy", dtype: NPY.DType(.signed, 1)))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["a.npy"])
    }
}
