import XCTest
import CKernels
import Dispatch
import Synchronization
@testable import Model

/// rec's own small matrix product (rk_gemm) against a plain double-precision product, on every
/// path that has it: all four transposes, alpha and beta, awkward sizes and leading dimensions
/// wider than the rows; and BLAS.gemm, whichever of rk_gemm and sgemm its rule picks.
final class SmallGemmTests: XCTestCase {
    override func tearDown() {
        _ = KernelPath.select(.avx512) || KernelPath.select(.avx2) || KernelPath.select(.sse2)
        super.tearDown()
    }

    struct Case {
        let transposeA: Bool, transposeB: Bool
        let m: Int, n: Int, k: Int
        let alpha: Float, beta: Float
        /// Extra floats at the end of every stored row of A, B and C.
        let pad: Int
        var lda: Int { (transposeA ? m : k) + pad }
        var ldb: Int { (transposeB ? k : n) + pad }
        var ldc: Int { n + pad }
    }

    func values(_ n: Int, seed: UInt64) -> [Float] {
        let rng = RandomSource(seed: seed)
        return (0..<n).map { _ in rng.uniform() * 2 - 1 }
    }

    /// Operands for a case, C's padding and (when beta is 0) C itself NaN: a product that reads
    /// C it should not, or writes past a row, shows.
    func operands(_ t: Case, seed: UInt64) -> (a: [Float], b: [Float], c: [Float]) {
        let a = values((t.transposeA ? t.k : t.m) * t.lda, seed: seed)
        let b = values((t.transposeB ? t.n : t.k) * t.ldb, seed: seed + 1)
        var c = values(t.m * t.ldc, seed: seed + 2)
        for i in 0..<t.m {
            for j in 0..<t.ldc where j >= t.n || t.beta == 0 { c[i * t.ldc + j] = .nan }
        }
        return (a, b, c)
    }

    /// Checks `got` (C after the product) against the double-precision answer: each element
    /// within a few float roundings of Σ|terms|, the padding untouched.
    func check(_ t: Case, a: [Float], b: [Float], c0: [Float], got: [Float], _ what: String,
               file: StaticString = #filePath, line: UInt = #line) {
        for i in 0..<t.m {
            for j in 0..<t.ldc {
                let index = i * t.ldc + j
                if j >= t.n {
                    if !got[index].isNaN { XCTFail("\(what): padding at [\(i), \(j)] written", file: file, line: line); return }
                    continue
                }
                var sum = 0.0, size = 0.0
                for p in 0..<t.k {
                    let x = Double(t.transposeA ? a[p * t.lda + i] : a[i * t.lda + p])
                    let y = Double(t.transposeB ? b[j * t.ldb + p] : b[p * t.ldb + j])
                    sum += x * y
                    size += abs(x * y)
                }
                let old = t.beta == 0 ? 0 : Double(t.beta) * Double(c0[index])
                let want = Double(t.alpha) * sum + old
                let tolerance = 1e-6 * (Double(abs(t.alpha)) * size + abs(old)) + 1e-30
                if !(abs(Double(got[index]) - want) <= tolerance) {
                    XCTFail("\(what): [\(i), \(j)] is \(got[index]), want \(want)", file: file, line: line)
                    return
                }
            }
        }
    }

    var cases: [Case] {
        let sizes = [1, 7, 17, 63, 65, 300]
        var all: [Case] = []
        var variant = 0
        for ta in [false, true] {
            for tb in [false, true] {
                for m in sizes {
                    for n in sizes {
                        for k in sizes {
                            // alpha 1 / beta 0 (a plain product), beta 1 (adding into C), and
                            // general scalars, each with and without padded rows.
                            let (alpha, beta): (Float, Float) = [(1, 0), (1, 1), (-0.5, 0.25)][variant % 3]
                            all.append(Case(transposeA: ta, transposeB: tb, m: m, n: n, k: k, alpha: alpha, beta: beta,
                                            pad: variant % 2 == 0 ? 0 : 3))
                            variant += 1
                        }
                    }
                }
            }
        }
        return all
    }

    /// The kernel itself, on every shape (its rule aside), on each path that has it.
    func testKernelMatchesADoubleProductOnEveryFMAPath() {
        var ran = 0
        for path in KernelPath.allCases where path.isSupported {
            XCTAssertTrue(KernelPath.select(path))
            for (index, t) in cases.enumerated() {
                let (a, b, c0) = operands(t, seed: UInt64(index) * 3)
                var c = c0
                let done = rk_gemm(t.transposeA ? 1 : 0, t.transposeB ? 1 : 0, Int64(t.m), Int64(t.n), Int64(t.k), t.alpha,
                                   a, Int64(t.lda), b, Int64(t.ldb), t.beta, &c, Int64(t.ldc))
                if path == .sse2 {
                    XCTAssertEqual(done, 0, "no FMA on SSE2: the product is sgemm's")
                    break
                }
                XCTAssertEqual(done, 1)
                check(t, a: a, b: b, c0: c0, got: c, "rk_gemm \(t) on \(path)")
            }
            ran += 1
        }
        XCTAssertGreaterThan(ran, 0)
    }

    /// Each element is k-ascending FMAs from zero: the AVX-512 and AVX2 copies agree bit for
    /// bit, and one path gives the same bits call after call.
    func testKernelGivesTheSameBitsOnEveryFMAPathAndRun() throws {
        let paths = KernelPath.allCases.filter { $0 != .sse2 && $0.isSupported }
        guard !paths.isEmpty else { throw XCTSkip("no FMA path on this CPU") }
        for (index, t) in cases.enumerated() where index % 5 == 0 {
            let (a, b, c0) = operands(t, seed: UInt64(index) + 1000)
            var results: [[Float]] = []
            for path in paths + paths {
                XCTAssertTrue(KernelPath.select(path))
                var c = c0
                rk_gemm(t.transposeA ? 1 : 0, t.transposeB ? 1 : 0, Int64(t.m), Int64(t.n), Int64(t.k), t.alpha,
                        a, Int64(t.lda), b, Int64(t.ldb), t.beta, &c, Int64(t.ldc))
                results.append(c)
            }
            for r in results.dropFirst() where r.map(\.bitPattern) != results[0].map(\.bitPattern) {
                XCTFail("\(t): the bits differ between runs or paths \(paths)")
                return
            }
        }
    }

    /// A's stored rows picked by index (rk_gemm_rows) give the bits of the product over those
    /// rows gathered first, for every transpose, on each FMA path: rows repeated, out of order,
    /// from a longer table.
    func testRowsByIndexGiveTheGatheredProductsBits() throws {
        let paths = KernelPath.allCases.filter { $0 != .sse2 && $0.isSupported }
        guard !paths.isEmpty else { throw XCTSkip("no FMA path on this CPU") }
        for path in paths {
            XCTAssertTrue(KernelPath.select(path))
            for (index, t) in cases.enumerated() where index % 3 == 0 {
                let stored = t.transposeA ? t.k : t.m, tableRows = stored + 5
                let table = values(tableRows * t.lda, seed: UInt64(index) + 7)
                let rng = RandomSource(seed: UInt64(index))
                let rows = (0..<stored).map { _ in Int32(rng.below(tableRows)) }
                let gathered = rows.flatMap { table[Int($0) * t.lda..<(Int($0) + 1) * t.lda] }
                let (_, b, c0) = operands(t, seed: UInt64(index) * 3)
                var want = c0, got = c0
                let (ta, tb): (Int32, Int32) = (t.transposeA ? 1 : 0, t.transposeB ? 1 : 0)
                XCTAssertEqual(rk_gemm(ta, tb, Int64(t.m), Int64(t.n), Int64(t.k), t.alpha, gathered, Int64(t.lda),
                                       b, Int64(t.ldb), t.beta, &want, Int64(t.ldc)), 1)
                XCTAssertEqual(rk_gemm_rows(ta, tb, Int64(t.m), Int64(t.n), Int64(t.k), t.alpha, table, Int64(t.lda), rows,
                                            b, Int64(t.ldb), t.beta, &got, Int64(t.ldc)), 1)
                if got.map(\.bitPattern) != want.map(\.bitPattern) {
                    XCTFail("\(t) on \(path): the rows by index differ from the gathered rows' product")
                    return
                }
            }
        }
    }

    /// BLAS.gemm on every path, through rk_gemm where the rule takes the shape and sgemm
    /// elsewhere, including shapes past the rule's limits.
    func testBLASGemmMatchesADoubleProductOnEveryPath() {
        let shapes: [(Int, Int, Int)] = [(214, 64, 300), (300, 64, 256), (256, 32, 64), (7, 65, 17), (1, 1, 1),
                                         (40, 300, 65), (1100, 9, 5), (3, 5, 1100)]
        for path in KernelPath.allCases where path.isSupported {
            XCTAssertTrue(KernelPath.select(path))
            var taken = 0
            for (index, (m, n, k)) in shapes.enumerated() {
                for ta in [false, true] {
                    for tb in [false, true] {
                        let t = Case(transposeA: ta, transposeB: tb, m: m, n: n, k: k, alpha: index % 2 == 0 ? 1 : 2,
                                     beta: index % 3 == 0 ? 0 : 1, pad: index % 2)
                        let (a, b, c0) = operands(t, seed: UInt64(index) + 77)
                        var c = c0
                        a.withUnsafeBufferPointer { ap in
                            b.withUnsafeBufferPointer { bp in
                                c.withUnsafeMutableBufferPointer { cp in
                                    BLAS.gemm(m: m, n: n, k: k, ap.baseAddress!, lda: t.lda, transposeA: ta,
                                              bp.baseAddress!, ldb: t.ldb, transposeB: tb, cp.baseAddress!, ldc: t.ldc,
                                              alpha: t.alpha, beta: t.beta)
                                }
                            }
                        }
                        check(t, a: a, b: b, c0: c0, got: c, "BLAS.gemm \(t) on \(path)")
                        if rk_gemm_takes(Int64(m), Int64(n), Int64(k), ta ? 1 : 0, tb ? 1 : 0) != 0 { taken += 1 }
                    }
                }
            }
            if path == .sse2 { XCTAssertEqual(taken, 0, "SSE2 always leaves products to sgemm") }
        }
    }

    /// A scoring tile (every user's row against a few items') in rk_gemm's column blocks spread
    /// over threads: the double product's values on every path, in row and column blocks with
    /// ragged ends, and on the paths where rk_gemm makes the blocks, the same bits on one thread
    /// and on two.
    func testWideProductMatchesADoubleProductAndIgnoresTheThreadCount() {
        let before = BLAS.threads
        defer { BLAS.setThreads(before) }
        let t = Case(transposeA: false, transposeB: true, m: 1030, n: 1300, k: 65, alpha: 1, beta: 0, pad: 1)
        let (a, b, c0) = operands(t, seed: 91)
        func product(threads: Int) -> [Float] {
            BLAS.setThreads(threads)
            var c = c0
            a.withUnsafeBufferPointer { ap in
                b.withUnsafeBufferPointer { bp in
                    c.withUnsafeMutableBufferPointer { cp in
                        BLAS.gemmTransposedWide(m: t.m, n: t.n, k: t.k, ap.baseAddress!, lda: t.lda, bp.baseAddress!, ldb: t.ldb,
                                                cp.baseAddress!, ldc: t.ldc)
                    }
                }
            }
            return c
        }
        for path in KernelPath.allCases where path.isSupported {
            XCTAssertTrue(KernelPath.select(path))
            let one = product(threads: 1)
            check(t, a: a, b: b, c0: c0, got: one, "wide product on \(path)")
            // Where rk_gemm takes the blocks; elsewhere one sgemm, whose bits follow OpenBLAS's own
            // split of the product over its threads (as every product on that path always has).
            if rk_gemm_takes(1024, 128, Int64(t.k), 0, 1) != 0 {
                let two = product(threads: 2)
                XCTAssertTrue(two.map(\.bitPattern) == one.map(\.bitPattern), "two threads on \(path)")
            }
        }
    }

    /// The rule: the model's small products go to rk_gemm on the path that wins with it, big or
    /// wide ones (scoring tiles, Gramians over many rows) stay with sgemm.
    func testRuleKeepsBigProductsOnSgemm() {
        for path in KernelPath.allCases where path.isSupported {
            XCTAssertTrue(KernelPath.select(path))
            let takes = { (m: Int, n: Int, k: Int) in rk_gemm_takes(Int64(m), Int64(n), Int64(k), 0, 0) != 0 }
            XCTAssertFalse(takes(256, 20000, 64), "a scoring tile is sgemm's on \(path)")
            XCTAssertFalse(takes(64, 64, 100_000), "a Gramian over many rows is sgemm's on \(path)")
            XCTAssertFalse(takes(256, 64, 8), "a product over k = 8 is sgemm's on \(path)")
            // Only an optimised build keeps the tiles in registers (the tests' own configuration
            // follows the build's).
            #if DEBUG
            let optimised = false
            #else
            let optimised = true
            #endif
            XCTAssertEqual(takes(214, 64, 300), path != .sse2 && optimised, "the projection's product on \(path)")
            XCTAssertEqual(takes(256, 64, 32), path != .sse2 && optimised, "the negatives' product on \(path)")
        }
    }

    /// Threads multiply at once (two-thread training): each has its own panel buffer.
    func testConcurrentProductsOnTwoThreads() throws {
        guard KernelPath.select(.avx512) || KernelPath.select(.avx2) else { throw XCTSkip("no FMA path on this CPU") }
        let t = Case(transposeA: false, transposeB: true, m: 65, n: 63, k: 300, alpha: 1, beta: 0, pad: 1)
        let (a, b, c0) = operands(t, seed: 5)
        var first = c0
        rk_gemm(0, 1, Int64(t.m), Int64(t.n), Int64(t.k), 1, a, Int64(t.lda), b, Int64(t.ldb), 0, &first, Int64(t.ldc))
        let want = first.map(\.bitPattern)
        let agreeing = Mutex<[Bool]>([])
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            var same = true
            for _ in 0..<50 {
                var c = c0
                rk_gemm(0, 1, Int64(t.m), Int64(t.n), Int64(t.k), 1, a, Int64(t.lda), b, Int64(t.ldb), 0, &c, Int64(t.ldc))
                same = same && c.map(\.bitPattern) == want
            }
            agreeing.withLock { $0.append(same) }
        }
        XCTAssertEqual(agreeing.withLock { $0 }, [true, true, true, true])
    }
}
