import XCTest
@testable import Model

/// Sizes nobody can hold are errors before anything is allocated; the buffer pool and the
/// numeric helpers never trap on huge, negative or non-finite inputs.
final class LimitsTests: XCTestCase {
    func testProductIsOverflowSafe() {
        XCTAssertEqual(Limits.product([]), 1)
        XCTAssertEqual(Limits.product([3, 4, 5]), 60)
        XCTAssertEqual(Limits.product([0, Int.max]), 0)
        XCTAssertNil(Limits.product([Int.max, 2]))
        XCTAssertNil(Limits.product([1 << 32, 1 << 32]))
        XCTAssertNil(Limits.product([4, -1]))
    }

    func testTooLargeNamesTheRequestTheNeedAndTheMachine() {
        XCTAssertThrowsError(try Limits.floats([1682, 100_000_000_000], for: "embedding", "dim 100000000000")) { error in
            let text = "\(error)"
            XCTAssertTrue(text.hasPrefix("embedding: dim 100000000000 needs 612 TB (1682 × 100000000000 values)"), text)
            XCTAssertTrue(text.contains("this machine has \(Limits.formatBytes(Limits.physicalMemory))"), text)
        }
        XCTAssertThrowsError(try Limits.floats([1 << 40, 1 << 40], for: "zeros", "shape")) {
            XCTAssertTrue("\($0)".contains("more memory than any machine has"), "\($0)")
        }
        XCTAssertThrowsError(try Limits.floats([3, -2], for: "zeros", "shape")) { XCTAssertTrue("\($0)".contains("negative"), "\($0)") }
    }

    func testTheBudgetDecides() throws {
        XCTAssertEqual(try Limits.floats([10, 100], for: "t", "x", budget: 4000), 1000)
        XCTAssertThrowsError(try Limits.floats([10, 100], for: "t", "x", budget: 3999))
        // BLAS takes 32-bit dimensions: a longer axis is an error even where memory would do.
        XCTAssertThrowsError(try Limits.floats([3_000_000_000], for: "t", "x", budget: .max)) {
            XCTAssertTrue("\($0)".contains("longest"), "\($0)")
        }
        XCTAssertGreaterThan(Limits.physicalMemory, 0)
        XCTAssertLessThanOrEqual(Limits.budget, Limits.physicalMemory)
        XCTAssertGreaterThanOrEqual(Limits.cores, 1)
    }

    func testBytesAreFormattedAndParsed() {
        XCTAssertEqual(Limits.formatBytes(512), "512 bytes")
        XCTAssertEqual(Limits.formatBytes(24 << 30), "24 GB")
        XCTAssertEqual(Limits.formatBytes(4_947_802_324_992), "4.5 TB")
        XCTAssertEqual(Limits.parseBytes("2G"), 2 << 30)
        XCTAssertEqual(Limits.parseBytes(" 512m "), 512 << 20)
        XCTAssertEqual(Limits.parseBytes("1048576"), 1 << 20)
        XCTAssertNil(Limits.parseBytes("lots"))
        XCTAssertNil(Limits.parseBytes("0"))
        XCTAssertNil(Limits.parseBytes("99999999999T"))
    }

    func testShapesFromUsersAndFilesAreChecked() {
        XCTAssertNoThrow(try Shape(validating: [2, 3]))
        XCTAssertThrowsError(try Shape(validating: [Int.max / 2, 4]))          // the count overflows
        XCTAssertThrowsError(try Shape(validating: [100_000, 100_000, 100]))   // 4 TB
        XCTAssertThrowsError(try Shape(validating: [-1, 3]))
    }

    func testAnOuterProductBeyondMemoryIsAnError() throws {
        let x = Tensor.ones(Shape(1_000_000, 1))
        XCTAssertThrowsError(try x.matmul(x, transposeOther: true)) { XCTAssertTrue("\($0)".hasPrefix("matmul: the product"), "\($0)") }
        XCTAssertEqual(try Tensor.ones(Shape(3, 1)).matmul(Tensor.ones(Shape(3, 1)), transposeOther: true).shape, Shape(3, 3))
    }

    func testTheBufferPoolRefusesWhatNoMachineHolds() throws {
        XCTAssertEqual(BufferPool.sizeClass(0), 4)
        XCTAssertEqual(BufferPool.sizeClass(17), 5)
        XCTAssertEqual(BufferPool.sizeClass(1 << 47), 47)
        XCTAssertNil(BufferPool.sizeClass((1 << 47) + 1))  // was an index past the class table: SIGILL
        XCTAssertNil(BufferPool.sizeClass(Int.max))
        XCTAssertNil(BufferPool.sizeClass(-1))
        XCTAssertNil(BufferPool.shared.take(-5))
        XCTAssertNil(BufferPool.shared.take(Int.max))
        XCTAssertNil(BufferPool.shared.take(1 << 46))       // 256 TB: beyond the address space, so the system says no
        let (p, cls) = try XCTUnwrap(BufferPool.shared.take(100))
        p[99] = 1
        BufferPool.shared.give(p, sizeClass: cls)
    }

    func testNegativeSamplingTakesANaNInput() throws {
        // A diverged vector (NaN) used to reach Int(NaN) in the sigmoid table lookup.
        let output = try Tensor.normal(Shape(5, 3), rng: RandomSource(seed: 1))
        let step = NegativeSamplingStep(output: output.pointer, dim: 3, negatives: 2,
                                        sampler: AliasSampler(counts: [3, 1, 4, 1, 5]), rng: RandomSource(seed: 2))
        let input = Tensor(repeating: .nan, shape: Shape(3)), gradient = Tensor(zeros: Shape(3))
        step.run(input.pointer, target: 1, lr: 0.025, neu1e: gradient.pointer)
        let finite = Tensor.ones(Shape(3))
        step.run(finite.pointer, target: 1, lr: 0.025, neu1e: gradient.pointer)
    }
}
