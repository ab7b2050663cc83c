import XCTest
import Foundation
import CKernels
@testable import Model

/// The C kernels (CKernels) against the plain Swift formulas they replaced (FastMath's exp/log,
/// Adagrad's formula, the SIMD16 sums), tails and odd widths included: the baseline path (SSE2)
/// gives their bits; the AVX2 and AVX-512 paths, which fuse the formulas' multiply-adds in
/// exp, log and Adagrad, come within a stated tolerance of them and give the same bits as
/// each other. Kernels without a fused multiply-add give the formulas' bits on every path.
final class CKernelTests: XCTestCase {
    /// The first AVX path's results by name, which the other AVX path must match bit for bit.
    var avxResults: [String: [Float]] = [:]

    override func setUp() {
        super.setUp()
        avxResults = [:]
    }

    override func tearDown() {
        _ = KernelPath.select(.avx512) || KernelPath.select(.avx2) || KernelPath.select(.sse2)
        super.tearDown()
    }

    /// On SSE2 (or with tolerance 0) the bits of `want`; on an AVX path each value within
    /// tolerance · max(|want|, floor) of it, and the bits the other AVX path gave under `what`.
    func check(_ got: [Float], _ want: [Float], _ what: String, on path: KernelPath, tolerance: Float,
               floor: Float = 1e-6, file: StaticString = #filePath, line: UInt = #line) {
        if path == .sse2 || tolerance == 0 {
            assertBits(got, want, "\(what) on \(path)", file: file, line: line)
            return
        }
        XCTAssertEqual(got.count, want.count, what, file: file, line: line)
        for i in 0..<min(got.count, want.count) where !(abs(got[i] - want[i]) <= tolerance * max(abs(want[i]), floor)) {
            if got[i].isNaN && want[i].isNaN { continue }
            XCTFail("\(what)[\(i)] on \(path): \(got[i]) vs \(want[i]) (tolerance \(tolerance))", file: file, line: line)
            break
        }
        if let other = avxResults[what] {
            assertBits(got, other, "\(what): \(path) against the other AVX path", file: file, line: line)
        } else {
            avxResults[what] = got
        }
    }

    /// Runs `body` once on each path the CPU has (at least SSE2).
    func onEveryPath(_ body: (KernelPath) throws -> Void) rethrows {
        var ran = 0
        for path in KernelPath.allCases where path.isSupported {
            XCTAssertTrue(KernelPath.select(path))
            XCTAssertEqual(KernelPath.current, path)
            try body(path)
            ran += 1
        }
        XCTAssertGreaterThan(ran, 0)
    }

    func values(_ n: Int, seed: UInt64, scale: Float = 3) -> [Float] {
        let rng = RandomSource(seed: seed)
        return (0..<n).map { _ in (rng.uniform() * 2 - 1) * scale }
    }

    func assertBits(_ a: [Float], _ b: [Float], _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, what, file: file, line: line)
        for i in 0..<min(a.count, b.count) where a[i].bitPattern != b[i].bitPattern {
            XCTFail("\(what)[\(i)]: \(a[i]) vs \(b[i])", file: file, line: line)
            return
        }
    }

    func testBiasActivationForwardAndBackward() {
        for (rows, width) in [(5, 64), (3, 37), (2, 7), (1, 16)] {
            let x = values(rows * width, seed: 1), bias = values(width, seed: 2, scale: 0.5)
            let g = values(rows * width, seed: 3), mask = values(rows * width, seed: 4).map { $0 > 0 ? Float(1.25) : 0 }
            for (act, f) in [(Activation.elu, ELUFunction.f), (.relu, ReLUFunction.f), (.none, { $0 })] as [(Activation, (SIMD8<Float>) -> SIMD8<Float>)] {
                // Swift: bias per row, then the activation; backward (g · mask) · act'(y), bias sums row after row.
                var want = x
                for r in 0..<rows { for c in 0..<width { want[r * width + c] += bias[c] } }
                want.withUnsafeMutableBufferPointer { FastMath.map($0.baseAddress!, $0.baseAddress!, $0.count, f) }
                var wantDz = zip(g, mask).map { $0 * $1 }
                wantDz.withUnsafeMutableBufferPointer { gp in
                    want.withUnsafeBufferPointer { act.backward(gp.baseAddress!, output: $0.baseAddress!, into: gp.baseAddress!, $0.count) }
                }
                var wantDb = [Float](repeating: 0, count: width)
                for r in 0..<rows { for c in 0..<width { wantDb[c] += wantDz[r * width + c] } }
                // ELU's exp fuses its multiply-adds on the AVX paths; its backward and the other
                // activations have none. The backward runs from each path's own forward.
                let tolerance: Float = act == .elu ? 1e-6 : 0
                onEveryPath { path in
                    var y = x
                    rk_bias_act_forward(&y, bias, Int64(rows), Int64(width), act.kernelCode!)
                    check(y, want, "\(act) forward \(rows)×\(width)", on: path, tolerance: tolerance, floor: 1)
                    var dz = [Float](repeating: .nan, count: y.count), db = [Float](repeating: 0, count: width)
                    rk_act_backward(g, mask, y, &dz, &db, Int64(rows), Int64(width), act.kernelCode!)
                    check(dz, wantDz, "\(act) backward \(rows)×\(width)", on: path, tolerance: tolerance, floor: 1)
                    check(db, wantDb, "\(act) bias gradient \(rows)×\(width)", on: path, tolerance: tolerance, floor: 1)
                }
            }
        }
    }

    /// Adagrad element by element: acc += g²; w −= lr · g / (√acc + eps), exact square root and division.
    func referenceAdagrad(_ w: inout [Float], _ a: inout [Float], _ g: [Float], lr: Float, eps: Float) {
        for i in g.indices {
            a[i] += g[i] * g[i]
            w[i] -= lr * g[i] / (a[i].squareRoot() + eps)
        }
    }

    func testAdagradDenseAndRows() {
        for n in [64, 61, 19200, 5] {
            let g = values(n, seed: 5), w0 = values(n, seed: 6), a0 = values(n, seed: 7).map { $0 * $0 }
            var wantW = w0, wantA = a0
            referenceAdagrad(&wantW, &wantA, g, lr: 0.05, eps: 1e-7)
            onEveryPath { path in
                var w = w0, a = a0
                rk_adagrad(&w, &a, g, Int64(n), 0.05, 1e-7)
                check(w, wantW, "adagrad weights n=\(n)", on: path, tolerance: 1e-6, floor: 1)
                check(a, wantA, "adagrad accumulator n=\(n)", on: path, tolerance: 2e-7)
            }
        }
        // Rows 3, 0 and 5 of a 6 × 24 table, each with its own gradient row.
        let width = 24, rows: [Int32] = [3, 0, 5]
        let table0 = values(6 * width, seed: 8), acc0 = values(6 * width, seed: 9).map { $0 * $0 }
        let grads = values(rows.count * width, seed: 10)
        var wantT = table0, wantA = acc0
        for (k, r) in rows.enumerated() {
            let o = Int(r) * width
            var w = Array(wantT[o..<(o + width)]), a = Array(wantA[o..<(o + width)])
            referenceAdagrad(&w, &a, Array(grads[(k * width)..<((k + 1) * width)]), lr: 0.1, eps: 1e-7)
            wantT.replaceSubrange(o..<(o + width), with: w)
            wantA.replaceSubrange(o..<(o + width), with: a)
        }
        onEveryPath { path in
            var t = table0, a = acc0
            rk_adagrad_rows(&t, &a, grads, rows, Int64(rows.count), Int64(width), 0.1, 1e-7)
            check(t, wantT, "adagrad rows", on: path, tolerance: 1e-6, floor: 1)
            check(a, wantA, "adagrad row accumulators", on: path, tolerance: 2e-7)
        }
    }

    func testBPRMatchesTheSwiftFormula() {
        // Scale 70: differences beyond ±87, where e^−|x| is 0.
        for (b, k, spread) in [(256, 32, Float(20)), (5, 3, 20), (3, 11, 20), (8, 16, 70)] {
            let pos = values(b, seed: 11, scale: spread), neg = values(b * k, seed: 12, scale: spread)
            // Softplus and σ of neg − pos by FastMath, summed in an eight-lane total block after block.
            var x = [Float](repeating: 0, count: b * k)
            for i in 0..<b { for j in 0..<k { x[i * k + j] = neg[i * k + j] - pos[i] } }
            var total = SIMD8<Float>(), sigma = x
            for start in stride(from: 0, to: x.count, by: 8) {
                var v = SIMD8<Float>(), valid = SIMD8<Float>()
                for l in 0..<min(8, x.count - start) { v[l] = x[start + l]; valid[l] = 1 }
                let e = FastMath.exp(-FastMath.abs(v)), r = 1 / (1 + e)
                total += (FastMath.max(v, 0) + FastMath.log(1 + e)) * valid
                let s = r.replacing(with: e * r, where: v .< 0)
                for l in 0..<min(8, x.count - start) { sigma[start + l] = s[l] }
            }
            let scale = 1 / Float(b * k)
            let wantGn = sigma.map { $0 * scale }
            let wantGp = (0..<b).map { i in sigma.withUnsafeBufferPointer { -Kernels.sum($0.baseAddress! + i * k, k) * scale } }
            onEveryPath { path in
                var gp = [Float](repeating: .nan, count: b), gn = [Float](repeating: .nan, count: b * k)
                let got = rk_bpr(pos, neg, &gp, &gn, Int64(b), Int64(k), scale)
                check([got], [total.sum()], "bpr total \(b)×\(k)", on: path, tolerance: 1e-6)
                check(gn, wantGn, "bpr negative gradient \(b)×\(k)", on: path, tolerance: 1e-6, floor: 1e-30)
                check(gp, wantGp, "bpr positive gradient \(b)×\(k)", on: path, tolerance: 1e-6, floor: 1e-30)
            }
        }
    }

    /// Distance in units in the last place between two finite floats of the same sign.
    func ulps(_ a: Float, _ b: Float) -> Int { abs(Int(a.bitPattern) - Int(b.bitPattern)) }

    /// The kernels' exp and log against double precision, on every path (fused or not), through
    /// BPR with one example, pos 0 and scale 1: for x ≤ −17, 1 + eˣ rounds to 1, so σ(x) is the
    /// kernel's eˣ itself; with fifteen negatives at −100 (softplus exactly 0, a factor 1 in the
    /// AVX paths' product of 1 + e) beside x, the loss is the kernel's softplus(x) =
    /// x + log(1 + e^−x), whose log(1 + u) sees all of u ∈ (0, 1] for x ≥ 0. The reduction puts every argument's remainder in [−ln 2/2, ln 2/2], so the
    /// sweep over [exp_low, −17] sees the whole polynomial. Below exp_low (−87.34) eˣ is 0
    /// (a subnormal in double), ±∞ and NaN keep their meaning.
    func testExpAndLogAccuracy() {
        func bpr(_ x: Float) -> (loss: Float, sigma: Float) {
            var negatives = [Float](repeating: -100, count: 16)
            negatives[0] = x
            var gp: Float = 0, gn = [Float](repeating: .nan, count: 16)
            let loss = rk_bpr([0], negatives, &gp, &gn, 1, 16, 1)
            return (loss, gn[0])
        }
        onEveryPath { path in
            var expWorst = 0, logWorst = 0
            for i in 0...20_000 {
                let x = Float(-87.3) + Float(i) * (87.3 - 17) / 20_000
                let want = Float(Foundation.exp(Double(x)))
                expWorst = max(expWorst, ulps(bpr(x).sigma, want))
            }
            for i in 0...20_000 {
                let x = Float(i) * 20 / 20_000
                let want = Float(Double(x) + Foundation.log1p(Foundation.exp(-Double(x))))
                logWorst = max(logWorst, ulps(bpr(x).loss, want))
            }
            XCTAssertLessThanOrEqual(expWorst, 1, "exp on \(path): \(expWorst) ulp")
            XCTAssertLessThanOrEqual(logWorst, 2, "softplus on \(path): \(logWorst) ulp")
            XCTAssertEqual(bpr(-90).sigma, 0, "below exp_low σ underflows to 0 on \(path)")
            XCTAssertEqual(bpr(-.infinity).sigma, 0)
            XCTAssertEqual(bpr(.infinity).sigma, 1)
            XCTAssertEqual(bpr(.infinity).loss, .infinity)
            XCTAssertTrue(bpr(.nan).sigma.isNaN, "NaN stays NaN on \(path)")
            XCTAssertTrue(bpr(.nan).loss.isNaN)
            var elu: [Float] = [-200, -90, -1e-30, .nan]
            rk_bias_act_forward(&elu, nil, 1, Int64(elu.count), Activation.elu.kernelCode!)
            XCTAssertEqual(Array(elu.prefix(3)), [-1, -1, 0], "ELU's far tail and where eˣ rounds to 1, on \(path)")
            XCTAssertTrue(elu[3].isNaN)
        }
    }

    func testListwiseMatchesTheSwiftFormula() {
        for (b, k) in [(256, 32), (4, 19), (2, 5), (35, 37), (16, 3)] {
            let pos = values(b, seed: 13, scale: 10), neg = values(b * k, seed: 14, scale: 10)
            var probs = [Float](repeating: 0, count: b * k), posProb = [Float](repeating: 0, count: b), total: Float = 0
            for i in 0..<b {
                neg.withUnsafeBufferPointer { nb in
                    probs.withUnsafeMutableBufferPointer { qb in
                        let n = nb.baseAddress! + i * k, q = qb.baseAddress! + i * k, p = pos[i]
                        let m = Swift.max(p, Kernels.maximum(n, k)), ep = expf(p - m)
                        FastMath.map(n, q, k) { FastMath.expNonPositive($0 - m) }
                        let z = ep + Kernels.sum(q, k), inv = 1 / z
                        for j in 0..<k { q[j] *= inv }
                        posProb[i] = ep * inv
                        total += logf(z) + m - p
                    }
                }
            }
            // The backward the Swift loss ran from those probabilities: prob · scale, (prob₊ − 1) · scale.
            let scale = 1 / Float(b)
            let wantGn = probs.map { $0 * scale }, wantGp = posProb.map { ($0 - 1) * scale }
            onEveryPath { path in
                var gn = [Float](repeating: .nan, count: b * k), gp = [Float](repeating: .nan, count: b)
                let got = rk_listwise(pos, neg, &gp, &gn, Int64(b), Int64(k), scale)
                check([got], [total], "listwise total \(b)×\(k)", on: path, tolerance: 1e-6)
                check(gn, wantGn, "listwise negative gradients \(b)×\(k)", on: path, tolerance: 1e-6, floor: 1e-30)
                check(gp, wantGp, "listwise positive gradients \(b)×\(k)", on: path, tolerance: 1e-6, floor: 1e-30)
            }
        }
    }

    func testWeightedMSEMatchesTheSwiftFormula() {
        for (b, k) in [(256, 32), (4, 19), (3, 5)] {
            let pos = values(b, seed: 23, scale: 2), neg = values(b * k, seed: 24, scale: 2)
            let sp: Float = 5 / Float(b), sn: Float = 0.1 / Float(b * k)
            // The Swift loss: Σ (pos − 1)² in order, Σ neg² by Kernels.dot, gradients 2s · error.
            var lp: Float = 0
            for p in pos { let d = p - 1; lp += d * d }
            let ln = neg.withUnsafeBufferPointer { Kernels.dot($0.baseAddress!, $0.baseAddress!, $0.count) }
            let want = sp * lp + sn * ln
            let wantGp = pos.map { 2 * sp * ($0 - 1) }, wantGn = neg.map { 2 * sn * $0 }
            onEveryPath { path in
                var gn = [Float](repeating: .nan, count: b * k), gp = [Float](repeating: .nan, count: b)
                let got = rk_wmse(pos, neg, &gp, &gn, Int64(b), Int64(k), sp, sn)
                XCTAssertEqual(got.bitPattern, want.bitPattern, "wmse total \(b)×\(k) on \(path): \(got) vs \(want)")
                assertBits(gn, wantGn, "wmse negative gradients on \(path)")
                assertBits(gp, wantGp, "wmse positive gradients on \(path)")
            }
        }
    }

    /// The mask the Swift dropout drew: two 32-bit draws per number, u < threshold drops. Long
    /// masks are drawn as eight jumped-ahead lanes in rounds (one round, two rounds of different
    /// lengths, the smallest round), then serially: the same stream, element for element.
    func testDropoutDrawsTheSameMaskAndContinuesTheStream() {
        for n in [16384, 100_001, 2048, 2049, 37, 1] {
            let x = values(n, seed: 15), rate: Float = 0.2
            let threshold = UInt64(Double(rate) * 4_294_967_296), keep = 1 / (1 - rate)
            let reference = RandomSource(seed: 42)
            var words: [UInt64] = []
            for _ in 0..<((n + 1) / 2) { let r = reference.next(); words += [r & 0xFFFF_FFFF, r >> 32] }
            let wantMask = (0..<n).map { words[$0] < threshold ? Float(0) : keep }
            let wantY = zip(x, wantMask).map { $0 * $1 }
            let after = reference.next()
            onEveryPath { path in
                let rng = RandomSource(seed: 42)
                let drawn = try! DropoutMask(rate: rate, rng: rng, applyingTo: Tensor(x))
                assertBits(drawn.mask.scalars, wantMask, "dropout mask n=\(n) on \(path)")
                assertBits(drawn.output.scalars, wantY, "dropout output on \(path)")
                XCTAssertEqual(rng.next(), after, "the stream continues where the mask left it")
            }
        }
    }

    /// The C shuffle of index arrays gives the generic Fisher–Yates' permutation and leaves the
    /// stream where it does, for lengths around its look-ahead of 16 draws.
    func testIndexShuffleMatchesTheGenericShuffle() {
        func generic<T>(_ v: inout [T], _ rng: RandomSource) { rng.shuffle(&v) }  // the generic body
        for n in [0, 1, 2, 16, 17, 18, 33, 100_003] {
            let reference = RandomSource(seed: 9)
            var want = Array(0..<n)
            generic(&want, reference)
            let after = reference.next()
            let rng32 = RandomSource(seed: 9), rng64 = RandomSource(seed: 9)
            var got32 = (0..<Int32(n)).map { $0 }, got64 = Array(0..<n)
            rng32.shuffle(&got32)
            rng64.shuffle(&got64)
            XCTAssertEqual(got32.map(Int.init), want, "Int32 shuffle of \(n)")
            XCTAssertEqual(got64, want, "Int shuffle of \(n)")
            XCTAssertEqual(rng32.next(), after, "the stream continues where the shuffle left it (\(n))")
            XCTAssertEqual(rng64.next(), after)
        }
    }

    /// y += x and out = x + y, element by element: the same sums as the scalar loop, tails included.
    func testAddAndSum() {
        for n in [16_384, 37, 5] {
            let x = values(n, seed: 19), y = values(n, seed: 20)
            let want = (0..<n).map { x[$0] + y[$0] }
            onEveryPath { path in
                var added = y, summed = [Float](repeating: .nan, count: n)
                rk_add(x, &added, Int64(n))
                rk_sum(x, y, &summed, Int64(n))
                assertBits(added, want, "y += x on \(path)")
                assertBits(summed, want, "x + y on \(path)")
            }
        }
    }

    func testRowDotAndScaleRows() {
        for (rows, d) in [(256, 64), (3, 21)] {
            let a = values(rows * d, seed: 16), b = values(rows * d, seed: 17), g = values(rows, seed: 18)
            let want = (0..<rows).map { r in a.withUnsafeBufferPointer { ap in b.withUnsafeBufferPointer { Kernels.dot(ap.baseAddress! + r * d, $0.baseAddress! + r * d, d) } } }
            let wantScaled = (0..<(rows * d)).map { g[$0 / d] * b[$0] }
            onEveryPath { path in
                var out = [Float](repeating: .nan, count: rows), scaled = [Float](repeating: .nan, count: rows * d)
                rk_row_dot(a, b, &out, Int64(rows), Int64(d))
                rk_scale_rows(g, b, &scaled, Int64(rows), Int64(d))
                assertBits(out, want, "row dot on \(path)")
                assertBits(scaled, wantScaled, "scaled rows on \(path)")
            }
        }
    }

    /// The Gramian's excluded pairs: each score is Kernels.dot's, the total loses s·s pair by
    /// pair in double, and each gradient row gets its pairs' axpys in pair order — the bits of
    /// the plain Swift loops on every path (widths with and without a tail; groups of 0 to 9
    /// columns, so the four-at-a-time pass and its remainder both run; 37, so the
    /// sixteen-at-a-time pass runs too; a group used twice).
    func testExcludedPairsMatchThePlainLoops() {
        for d in [130, 65, 40, 16, 7] {
            // Group 4's 37 columns (repeats among them) run the sixteen-at-a-time pass twice.
            let n = 23, groups: [Int32] = [2, 0, 4, 3, 2, 1, 4]
            let starts = [0, 9, 9, 14, 20, 57]
            let columns: [Int32] = [0, 2, 3, 5, 8, 11, 13, 17, 22, 1, 4, 6, 9, 21, 0, 3, 7, 10, 12, 20] + (0..<37).map { Int32($0 * 7 % 23) }
            let rows = groups.count, v = values(rows * d, seed: 31), u = values(n * d, seed: 32)
            // Without a bias, then with one (each row's factor on it: 1, or another for row 2).
            for biased in [false, true] {
                let bias: [Float]? = biased ? values(n, seed: 35) : nil
                let factors: [Float]? = biased ? (0..<rows).map { $0 == 2 ? 1.75 : 1 } : nil
                let two: Float = 0.75, start = 1.25
                var wantScores: [Float] = [], wantTotal = Double(start)
                var wantGV = values(rows * d, seed: 33), wantGU = values(n * d, seed: 34), wantGB = values(n, seed: 36)
                let gv0 = wantGV, gu0 = wantGU, gb0 = wantGB
                v.withUnsafeBufferPointer { vp in
                    u.withUnsafeBufferPointer { up in
                        for r in 0..<rows {
                            let g = Int(groups[r])
                            for k in starts[g]..<starts[g + 1] {
                                var s = Kernels.dot(vp.baseAddress! + r * d, up.baseAddress! + Int(columns[k]) * d, d)
                                if let bias, let factors { s += factors[r] * bias[Int(columns[k])] }
                                wantScores.append(s)
                                wantTotal -= Double(s * s)
                            }
                        }
                        var o = 0
                        for r in 0..<rows {
                            let g = Int(groups[r])
                            for k in starts[g]..<starts[g + 1] {
                                let c = Int(columns[k]), a = -two * wantScores[o]
                                wantGV.withUnsafeMutableBufferPointer { Kernels.axpy(a, up.baseAddress! + c * d, $0.baseAddress! + r * d, d) }
                                wantGU.withUnsafeMutableBufferPointer { Kernels.axpy(a, vp.baseAddress! + r * d, $0.baseAddress! + c * d, d) }
                                if let factors { wantGB[c] += a * factors[r] }
                                o += 1
                            }
                        }
                    }
                }
                let starts64 = starts.map(Int64.init), what = "d \(d)\(biased ? " with a bias" : "")"
                onEveryPath { path in
                    var scores = [Float](repeating: .nan, count: wantScores.count)
                    let total = rk_excluded_scores(v, factors, u, bias, Int64(d), groups, Int64(rows), starts64, columns, &scores, Double(start))
                    assertBits(scores, wantScores, "excluded scores, \(what), on \(path)")
                    XCTAssertEqual(total.bitPattern, wantTotal.bitPattern, "excluded total, \(what), on \(path)")
                    var gv = gv0, gu = gu0, gb = gb0
                    if biased {
                        rk_excluded_backward(v, factors, u, Int64(d), groups, Int64(rows), starts64, columns, scores, two, &gv, &gu, &gb)
                        assertBits(gb, wantGB, "excluded bias gradients, \(what), on \(path)")
                    } else {
                        rk_excluded_backward(v, nil, u, Int64(d), groups, Int64(rows), starts64, columns, scores, two, &gv, &gu, nil)
                    }
                    assertBits(gv, wantGV, "excluded row gradients, \(what), on \(path)")
                    assertBits(gu, wantGU, "excluded column gradients, \(what), on \(path)")
                    var onlyGU = gu0
                    rk_excluded_backward(v, factors, u, Int64(d), groups, Int64(rows), starts64, columns, scores, two, nil, &onlyGU, nil)
                    assertBits(onlyGU, wantGU, "column gradients alone, \(what), on \(path)")
                }
            }
        }
    }

    /// The k best of a row on every path: a full sort's order (higher score first, ties to the
    /// lower index), excluded indices and scores not above −∞ (NaN too) left out, fewer than k
    /// when fewer qualify; rows long enough for the sixteen-at-a-time scan and with many ties.
    func testTopKMatchesAFullSort() {
        for (n, k, levels) in [(1000, 20, 7), (4000, 100, 3), (70_000, 10, 1_000_000), (37, 5, 3), (50, 60, 100), (3, 1, 1)] {
            let rng = RandomSource(seed: UInt64(n + k))
            var s: [Float] = []
            for _ in 0..<n { s.append(Float(Int(rng.uniform() * Float(levels)))) }
            if n > 10 { s[3] = .nan; s[7] = -.infinity; s[n - 1] = .infinity }
            let excluded: [UInt8] = (0..<n).map { $0 % 5 == 2 ? 1 : 0 }
            func best(_ keep: (Int) -> Bool) -> [Int32] {
                let order = (0..<n).filter { keep($0) && s[$0] > -Float.infinity }.sorted { (a: Int, b: Int) -> Bool in
                    s[a] != s[b] ? s[a] > s[b] : a < b
                }
                return order.prefix(k).map { Int32($0) }
            }
            let want = best { excluded[$0] == 0 }, wantAll = best { _ in true }
            onEveryPath { path in
                var scores = [Float](repeating: .nan, count: k), ids = [Int32](repeating: -1, count: k)
                let found = Int(rk_top_k(s, Int64(n), excluded, Int64(k), &scores, &ids))
                XCTAssertEqual(Array(ids.prefix(found)), want, "n \(n), k \(k) on \(path)")
                XCTAssertEqual(Array(scores.prefix(found)), want.map { s[Int($0)] })
                let all = Int(rk_top_k(s, Int64(n), nil, Int64(k), &scores, &ids))
                XCTAssertEqual(Array(ids.prefix(all)), wantAll, "n \(n), k \(k), nothing excluded, on \(path)")
            }
        }
    }

    /// Duplicate rows add into one slot in arrival order; slots follow first touches.
    func testSparseRowGradientsKeepFirstTouchOrder() throws {
        let width = 19, indices: [Int32] = [3, 1, 3, 0, 1, 3]
        let rows = values(indices.count * width, seed: 19)
        func row(_ k: Int) -> [Float] { Array(rows[(k * width)..<((k + 1) * width)]) }
        func sum(_ ks: [Int]) -> [Float] {
            var out = row(ks[0])
            for k in ks.dropFirst() { for i in 0..<width { out[i] += row(k)[i] } }
            return out
        }
        let wantSlots = [sum([0, 2, 5]), sum([1, 4]), row(3)]
        try onEveryPath { path in
            let g = SparseRowGradient(rows: 5, width: width)
            g.add(Array(indices.prefix(4)), try Tensor(shape: Shape(4, width), values: Array(rows.prefix(4 * width))))
            g.add(Array(indices.suffix(2)), try Tensor(shape: Shape(2, width), values: Array(rows.suffix(2 * width))))
            XCTAssertEqual(g.touchedRows, [3, 1, 0], "on \(path)")
            for (slot, want) in wantSlots.enumerated() {
                assertBits(Array(UnsafeBufferPointer(start: g.row(slot: slot), count: width)), want, "slot \(slot) on \(path)")
            }
            g.clear()
            g.add([2], try Tensor(shape: Shape(1, width), values: row(0)))
            XCTAssertEqual(g.touchedRows, [2], "cleared, then a fresh touch on \(path)")
        }
    }

    /// Gathers copy rows exactly; scatter-adds add rows into the table in index order (repeats
    /// add up), as the scalar loops did; widths with and without a tail.
    func testGatherAndScatterAddRows() {
        let indices: [Int32] = [4, 0, 4, 2, 7, 4]
        for width in [64, 37, 300, 5] {
            let table0 = values(8 * width, seed: 25), rows = values(indices.count * width, seed: 26)
            let wantGather = indices.flatMap { table0[(Int($0) * width)..<((Int($0) + 1) * width)] }
            var wantTable = table0
            for (k, r) in indices.enumerated() { for c in 0..<width { wantTable[Int(r) * width + c] += rows[k * width + c] } }
            onEveryPath { path in
                var out = [Float](repeating: .nan, count: indices.count * width), table = table0
                rk_gather_rows(table0, Int64(width), indices, Int64(indices.count), &out)
                rk_scatter_add_rows(&table, Int64(width), indices, Int64(indices.count), rows)
                assertBits(out, wantGather, "gathered rows, width \(width), on \(path)")
                assertBits(table, wantTable, "scatter-added rows, width \(width), on \(path)")
            }
        }
    }

    /// REC_KERNELS names a path; the default is the widest the CPU has.
    func testPathNames() {
        XCTAssertEqual(KernelPath.allCases.map { String(cString: rk_path_name($0.c)) }, ["sse2", "avx2", "avx512"])
        XCTAssertTrue(KernelPath.sse2.isSupported)
    }
}
