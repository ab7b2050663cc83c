import CKernels
import Foundation
import XCTest
@testable import Model

/// OpenBLAS runs kernels the CPU has: an OpenBLAS older than the CPU (Debian 12's 0.3.21 on Intel
/// Sapphire/Emerald Rapids) falls back to its SSE3 kernels, which run the large products at half
/// speed; rec has it pick again at start-up (openblas_core.c).
final class OpenBLASKernelsTests: XCTestCase {
    func testOpenBLASRunsTheWidestKernelsTheCPUHas() throws {
        guard ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] == nil else {
            throw XCTSkip("OPENBLAS_CORETYPE chooses OpenBLAS's kernels here")
        }
        guard KernelPath.avx2.isSupported else { throw XCTSkip("the CPU has no AVX2 and FMA") }
        let name = BLAS.kernelsName
        XCTAssertEqual(rk_openblas_core_lacks_avx2(name), 0, "OpenBLAS runs its \(name) kernels on a CPU with AVX2 and FMA")
        if let note = BLAS.kernelsNote {
            XCTAssert(note.hasSuffix("rec had it pick \(name)'s"), note)
            XCTAssertEqual(name, KernelPath.avx512.isSupported ? "SkylakeX" : "Haswell")
        }
        // OpenBLAS's products (n = 150 is past rk_gemm's rule) still give what a plain sum gives.
        XCTAssertEqual(rk_gemm_takes(300, 150, 200, 0, 0), 0)
        let a = try Tensor.normal(Shape(unchecked: [300, 200]), rng: RandomSource(seed: 1))
        let b = try Tensor.normal(Shape(unchecked: [200, 150]), rng: RandomSource(seed: 2))
        let c = try a.matmul(b)
        for (i, j) in [(0, 0), (17, 93), (299, 149)] {
            var s = 0.0
            for k in 0..<200 { s += Double(a[flat: i * 200 + k]) * Double(b[flat: k * 150 + j]) }
            XCTAssertEqual(Double(c[flat: i * 150 + j]), s, accuracy: 1e-3)
        }
    }
}
