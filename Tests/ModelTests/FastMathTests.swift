import XCTest
import Foundation
@testable import Model

/// The vectorised exp/log/tanh/σ agree with libm to a few ulp, edge cases included.
final class FastMathTests: XCTestCase {
    func values(_ lo: Float, _ hi: Float, _ n: Int = 4000) -> [Float] {
        (0..<n).map { lo + (hi - lo) * Float($0) / Float(n - 1) }
    }

    func compare(_ xs: [Float], _ fast: (SIMD8<Float>) -> SIMD8<Float>, _ exact: (Double) -> Double,
                 relative: Double, absolute: Double = 0, _ what: String) {
        var out = [Float](repeating: 0, count: xs.count)
        xs.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in FastMath.map(src.baseAddress!, dst.baseAddress!, xs.count, fast) }
        }
        for (x, y) in zip(xs, out) {
            let e = exact(Double(x))
            XCTAssertLessThanOrEqual(abs(Double(y) - e), max(relative * abs(e), absolute), "\(what)(\(x)) = \(y), expected \(e)")
        }
    }

    func testExp() {
        compare(values(-87, 88.7), FastMath.exp, Foundation.exp, relative: 4e-7, "exp")
        compare(values(-1, 1), FastMath.exp, Foundation.exp, relative: 3e-7, "exp")
        var edge = SIMD8<Float>(-100, 100, .nan, -.infinity, .infinity, 0, -88, 89)
        edge = FastMath.exp(edge)
        XCTAssertEqual(edge[0], 0)
        XCTAssertEqual(edge[1], .infinity)
        XCTAssertTrue(edge[2].isNaN)
        XCTAssertEqual(edge[3], 0)
        XCTAssertEqual(edge[4], .infinity)
        XCTAssertEqual(edge[5], 1)
        XCTAssertEqual(edge[7], .infinity)
    }

    func testLog() {
        compare(values(1e-6, 10), FastMath.log, Foundation.log, relative: 3e-7, absolute: 2e-7, "log")
        compare(values(1, 2), FastMath.log, Foundation.log, relative: 3e-7, absolute: 1e-7, "log")
        compare(values(1e3, 1e30, 500), FastMath.log, Foundation.log, relative: 3e-7, "log")
        let edge = FastMath.log(SIMD8<Float>(0, -1, .infinity, .nan, 1, Float.leastNormalMagnitude / 4, 2, 0.5))
        XCTAssertEqual(edge[0], -.infinity)
        XCTAssertTrue(edge[1].isNaN)
        XCTAssertEqual(edge[2], .infinity)
        XCTAssertTrue(edge[3].isNaN)
        XCTAssertEqual(edge[4], 0)
        XCTAssertEqual(edge[5], logf(Float.leastNormalMagnitude / 4), accuracy: 1e-4)
    }


    func testActivations() {
        compare(values(-9, 9), TanhFunction.f, Foundation.tanh, relative: 1e-6, absolute: 1e-7, "tanh")
        compare(values(-30, 30), SigmoidFunction.f, { 1 / (1 + Foundation.exp(-$0)) }, relative: 1e-6, absolute: 1e-9, "sigmoid")
        compare(values(-30, 30), SoftplusFunction.f, { Foundation.log1p(Foundation.exp($0)) }, relative: 1e-6, absolute: 1e-7, "softplus")
        compare(values(-10, 10), ELUFunction.f, { $0 > 0 ? $0 : Foundation.expm1($0) }, relative: 1e-6, absolute: 1e-7, "elu")
    }
}
