import Foundation
import XCTest
@testable import Model

final class TensorTests: XCTestCase {
    func testCreationAndShape() throws {
        let t = try Tensor(rows: [[1, 2, 3], [4, 5, 6]])
        XCTAssertEqual(t.shape, Shape(2, 3))
        XCTAssertEqual(t.scalars, [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(t[1, 2], 6)
        XCTAssertThrowsError(try Tensor(rows: [[1, 2], [3]]))
        XCTAssertThrowsError(try Tensor(shape: Shape(2, 2), values: [1, 2, 3]))
        XCTAssertThrowsError(try Shape(validating: [1, 2, 3, 4, 5]))
        XCTAssertEqual(Tensor.zeros(3, 4).sum(), 0)
        XCTAssertEqual(Tensor.ones(Shape(3, 4)).sum(), 12)
    }

    func testSeededRandomIsReproducible() throws {
        let a = try Tensor.normal(Shape(100), rng: RandomSource(seed: 5))
        let b = try Tensor.normal(Shape(100), rng: RandomSource(seed: 5))
        XCTAssertEqual(a.scalars, b.scalars)
        let u = try Tensor.uniform(Shape(1000), low: -2, high: 3, rng: RandomSource(seed: 1))
        XCTAssertTrue(u.scalars.allSatisfy { $0 >= -2 && $0 < 3 })
        XCTAssertEqual(u.mean(), 0.5, accuracy: 0.15)
    }

    func testBroadcasting() throws {
        let m = try Tensor(rows: [[1, 2, 3], [4, 5, 6]])
        // [B] against [B, K]: one value per row (repeated along the last axis)
        XCTAssertEqual(try (m - Tensor([1, 4])).scalars, [0, 1, 2, 0, 1, 2])
        // [K] against [B, K] with B ≠ K: a row vector
        XCTAssertEqual(try (m + Tensor([10, 20, 30])).scalars, [11, 22, 33, 14, 25, 36])
        XCTAssertEqual(try (Tensor.scalar(2) * m).scalars, [2, 4, 6, 8, 10, 12])
        XCTAssertEqual(try (m / Tensor(rows: [[1], [2]])).scalars, [1, 2, 3, 2, 2.5, 3])
        XCTAssertThrowsError(try m + Tensor([1, 2, 3, 4])) { error in
            XCTAssertTrue("\(error)".contains("[2, 3]") && "\(error)".contains("[4]"), "\(error)")
        }
    }

    func testMatmulTransposes() throws {
        let a = try Tensor(rows: [[1, 2], [3, 4], [5, 6]])      // 3×2
        let b = try Tensor(rows: [[1, 0, 2], [0, 1, 3]])        // 2×3
        XCTAssertEqual(try a.matmul(b).scalars, [1, 2, 8, 3, 4, 18, 5, 6, 28])
        XCTAssertEqual(try a.matmul(a, transposeSelf: true).scalars, [35, 44, 44, 56])
        XCTAssertEqual(try a.matmul(a, transposeOther: true).shape, Shape(3, 3))
        XCTAssertEqual(try b.matmul(b, transposeSelf: true, transposeOther: false).shape, Shape(3, 3))
        XCTAssertThrowsError(try a.matmul(a)) { error in
            XCTAssertTrue("\(error)".contains("[3, 2]"), "\(error)")
        }
    }

    func testReductions() throws {
        let m = try Tensor(rows: [[1, 2, 3], [4, 5, 6]])
        XCTAssertEqual(m.sum(), 21)
        XCTAssertEqual(try m.sum(axis: 0).scalars, [5, 7, 9])
        XCTAssertEqual(try m.sum(axis: -1).scalars, [6, 15])
        XCTAssertEqual(try m.mean(axis: 1).scalars, [2, 5])
        XCTAssertThrowsError(try m.sum(axis: 2))
        let big = try Tensor.uniform(Shape(1000), low: 0, high: 1, rng: RandomSource(seed: 3))
        XCTAssertEqual(big.sum(), big.scalars.reduce(0, +), accuracy: 1e-2)
    }

    func testRowOperations() throws {
        let table = try Tensor(rows: [[1, 1], [2, 2], [3, 3]])
        XCTAssertEqual(try table.gatherRows([2, 0, 2]).scalars, [3, 3, 1, 1, 3, 3])
        XCTAssertThrowsError(try table.gatherRows([3])) { error in
            XCTAssertTrue("\(error)".contains("index 3"), "\(error)")
        }
        XCTAssertThrowsError(try table.gatherRows([-1]))
        try table.scatterAddRows([0, 0, 2], try Tensor(rows: [[1, 1], [1, 1], [5, 5]]))
        XCTAssertEqual(table.scalars, [3, 3, 2, 2, 8, 8])
        let c = try Tensor.concat([table, try Tensor(rows: [[0], [1], [2]])])
        XCTAssertEqual(c.shape, Shape(3, 3))
        XCTAssertEqual(c.scalars, [3, 3, 0, 2, 2, 1, 8, 8, 2])
        XCTAssertEqual(try c.rows(1..<3).scalars, [2, 2, 1, 8, 8, 2])
        XCTAssertThrowsError(try c.rows(2..<4))
        XCTAssertEqual(try c.reshaped(Shape(9)).shape, Shape(9))
        XCTAssertThrowsError(try c.reshaped(Shape(4, 2)))
        XCTAssertEqual(try c.transposed.scalars, [3, 2, 8, 3, 2, 8, 0, 1, 2])
    }

    func testIndicesFitTheirRowsOrNot() {
        func fit(_ ids: [Int32], _ rows: Int) -> Bool { ids.withUnsafeBufferPointer { Tensor.indicesFit($0, rows: rows) } }
        XCTAssertTrue(fit([0, 2, 1], 3))
        XCTAssertTrue(fit([], 0))
        XCTAssertFalse(fit([0, 3, 1], 3))
        XCTAssertFalse(fit([0, -1], 3))
        XCTAssertFalse(fit([Int32.min], 1 << 40))        // negative: never fits, however many rows
        XCTAssertTrue(fit([Int32.max, 0], 1 << 40))
        XCTAssertFalse(fit([Int32.max], Int(Int32.max)))
        XCTAssertFalse(fit([0], 0))
        // The error names the first bad index and its position.
        XCTAssertThrowsError(try Tensor.zeros(3, 2).gatherRows([0, 5, -1])) { XCTAssertTrue("\($0)".contains("index 5 at position 1"), "\($0)") }
    }

    func testPoolReusesMemory() {
        // A tensor freed and made again of the same size gets the same buffer back.
        var first: UnsafeMutablePointer<Float>? = nil
        do { let t = Tensor(zeros: Shape(256, 64)); first = t.pointer }
        let again = Tensor(zeros: Shape(256, 64))
        XCTAssertEqual(again.pointer, first)
    }

    func testAReshapeKeepsItsMemoryAfterTheOriginalGoes() throws {
        var view: Tensor
        do {
            let t = try Tensor(shape: Shape(2, 3), values: [1, 2, 3, 4, 5, 6])
            view = try t.reshaped(Shape(3, 2)).reshaped(Shape(6))
        }
        // The same size class: a new tensor must not be handed the buffer the view still reads.
        let fresh = Tensor(repeating: 9, shape: Shape(2, 3))
        XCTAssertNotEqual(fresh.pointer, view.pointer)
        XCTAssertEqual(view.scalars, [1, 2, 3, 4, 5, 6])
    }

    func testAThreadTakesBackWhatItsCacheHoldsThenTheLanes() {
        // On a new thread (an empty cache): of 40 buffers freed in order, the first 16 stay in
        // the thread's cache and come back first, last in first out; the rest go to the shared
        // lanes. The thread's end frees what its cache still holds.
        final class Seen: @unchecked Sendable { var freed: [UnsafeMutablePointer<Float>] = [], takenBack: [UnsafeMutablePointer<Float>] = [] }
        let seen = Seen(), done = DispatchSemaphore(value: 0)
        let thread = Thread {
            do {
                let many = (0..<40).map { _ in Tensor(zeros: Shape(100)) }
                seen.freed = many.map(\.pointer)
            }
            let again = (0..<40).map { k in Tensor(repeating: Float(k), shape: Shape(100)) }
            seen.takenBack = again.map(\.pointer)
            XCTAssertEqual(again[39].scalars, [Float](repeating: 39, count: 100))
            done.signal()
        }
        thread.start()
        done.wait()
        XCTAssertEqual(Array(seen.takenBack.prefix(16)), Array(seen.freed.prefix(16).reversed()))
        XCTAssertEqual(Tensor(repeating: 2, shape: Shape(100)).scalars, [Float](repeating: 2, count: 100))
    }
}
