import XCTest
@testable import Model

/// The affine op over rows of a table picked by index (`Variable.affine(rowsOf:…)`, what a
/// dense layer over a content matrix runs): its gradients against finite differences, and the
/// same bits as the op over gathered rows, on every kernel path.
final class AffineRowsTests: XCTestCase {
    override func tearDown() {
        _ = KernelPath.select(.avx512) || KernelPath.select(.avx2) || KernelPath.select(.sse2)
        super.tearDown()
    }

    /// Ids with repeats and gaps, out of order (a batch's items).
    func ids(_ count: Int, of rows: Int, seed: UInt64) -> [Int32] {
        let rng = RandomSource(seed: seed)
        return (0..<count).map { _ in Int32(rng.below(rows)) }
    }

    /// Every parameter's gradient, the table's fine-tuned (sparse rows) or dense, with and without
    /// activation and dropout, on each path: 24 rows of 20 (so the products are rk_gemm's where
    /// a path has it: k ≥ 16 both ways) and, below the rule, 5 rows.
    func testGradientsMatchFiniteDifferencesOnEveryPath() throws {
        for path in KernelPath.allCases where path.isSupported {
            XCTAssertTrue(KernelPath.select(path))
            for (count, sparse) in [(24, true), (24, false), (5, true)] {
                let table = param(30, 20, seed: 41, name: "table", sparse: sparse)
                let w = param(20, 5, seed: 42, name: "w"), b = param(5, seed: 43, name: "b")
                let rows = ids(count, of: 30, seed: 44)
                for act in [Activation.none, .elu] {
                    // Entries under 0.05 are judged against 0.05: this loss is ≈ 20, so its rounding
                    // alone moves a difference quotient by ≈ 4e-4 (2.2–2.3% of w[82]'s 0.0168 at ε
                    // 0.01 or 0.02 under OpenBLAS's SSE3 kernels, an x86-64 without AVX2).
                    try assertGradients([table, w, b], floor: 5e-2) { try weighted(Variable.affine(rowsOf: table, rows, w, b, activation: act)) }
                }
                try assertGradients([table, w, b]) {
                    try weighted(Variable.affine(rowsOf: table, rows, w, b, activation: .elu, dropout: (0.3, RandomSource(seed: 5))))
                }
                try assertGradients([w]) { try weighted(Variable.affine(rowsOf: Variable(table.value), rows, w, nil)) }
            }
        }
    }

    /// Values and every gradient equal the op over a gathered copy's, bit for bit, at the
    /// benchmark's shape (214 rows of a 300-wide table into 64) and a ragged one.
    func testSameBitsAsTheOpOverGatheredRows() throws {
        for path in KernelPath.allCases where path.isSupported {
            XCTAssertTrue(KernelPath.select(path))
            for (rows, width, outputs, count) in [(500, 300, 64, 214), (40, 33, 21, 31)] {
                let table = param(rows, width, seed: 51, sparse: true), w = param(width, outputs, seed: 52), b = param(outputs, seed: 53)
                let picked = ids(count, of: rows, seed: 54)
                func run(_ inPlace: Bool) throws -> [[UInt32]] {
                    for p in [table, w, b] { p.zeroGrad() }
                    let dropout = (rate: Float(0.2), rng: RandomSource(seed: 9))
                    let y = inPlace
                        ? try Variable.affine(rowsOf: table, picked, w, b, activation: .elu, dropout: dropout)
                        : try Variable.affine(Variable.gather(table, picked), w, b, activation: .elu, dropout: dropout)
                    try weighted(y).backward()
                    return [y.value, table.denseGrad, w.grad!, b.grad!].map { $0.scalars.map(\.bitPattern) }
                }
                XCTAssertEqual(try run(true), try run(false), "\(rows) × \(width) → \(outputs), \(count) rows on \(path)")
            }
        }
    }

    /// An id out of range, or a table of the wrong width, is an error naming the place.
    func testBadIdsAndWidthsAreErrors() throws {
        let table = param(10, 20, seed: 61), w = param(20, 4, seed: 62)
        XCTAssertThrowsError(try Variable.affine(rowsOf: table, [3, 10], w, nil)) { error in
            XCTAssertTrue("\(error)".contains("index 10 at position 1"), "\(error)")
        }
        XCTAssertThrowsError(try Variable.affine(rowsOf: table, [-1], w, nil))
        XCTAssertThrowsError(try Variable.affine(rowsOf: table, [1], param(19, 4, seed: 63), nil))
        let dense = try Dense(19, 4, rng: RandomSource(seed: 1))
        XCTAssertThrowsError(try dense.project(rowsOf: table, [1])) { error in
            XCTAssertTrue("\(error)".contains("rows of 19"), "\(error)")
        }
    }
}
