import XCTest
import CKernels
@testable import Model

/// The C negative-sampling step (rk_ns_step, rk_ns_dbow) against the Swift loop it replaced,
/// on every path: the same noise draws, the same rows touched in the same order, the same bits.
extension CKernelTests {
    /// The Swift step as it was: draw the noise words, then the target and each noise word
    /// (one equal to the target skipped) by Kernels.dot, σ's table and the two updates.
    private func referenceStep(output: UnsafeMutablePointer<Float>, dim d: Int, negatives: Int, sampler: AliasSampler,
                               rng: RandomSource, l1: UnsafePointer<Float>, target: Int32, lr: Float,
                               neu1e: UnsafeMutablePointer<Float>, updatesOutputs: Bool) {
        let sigmoid = (0..<1000).map { k in 1 / (1 + expf(-((Float(k) / Float(1000) * 2 - 1) * 6))) }
        let words = [target] + (0..<negatives).map { _ in sampler.sample(rng) }
        for (k, word) in words.enumerated() where k == 0 || word != target {
            let out = output + Int(word) * d, label: Float = k == 0 ? 1 : 0
            let f = Kernels.dot(l1, out, d)
            let g = f > 6 ? (label - 1) * lr
                : f >= -6 ? (label - sigmoid[min(Int((f + 6) * (Float(1000) / 6 / 2)), 999)]) * lr : label * lr
            for i in 0..<d {
                let o = out[i]
                neu1e[i] += g * o
                if updatesOutputs { out[i] = o + g * l1[i] }
            }
        }
    }

    /// Widths with and without a tail, more noise words than the C step draws at once (32), a
    /// vocabulary small enough that noise words repeat and hit the target, inference's frozen
    /// outputs, and inputs large enough that σ's table is left on both sides.
    func testNegativeSamplingStepAndDBOWMatchTheSwiftLoop() {
        let vocabulary = 6
        let sampler = AliasSampler(counts: [50, 3, 9, 1, 20, 7])
        let words: [Int32] = [0, 4, 4, 2, 5, 0, 1, 3, 0]
        for (d, negatives, updates, scale) in [(37, 5, true, Float(0.5)), (100, 40, true, 0.3), (16, 3, false, 2), (5, 1, true, 8)] {
            let output0 = values(vocabulary * d, seed: 30, scale: scale), doc0 = values(d, seed: 31, scale: scale)
            // Swift: dbow over the words (neu1e cleared, a step, doc += neu1e), then one lone step.
            var output = output0, doc = doc0, neu1e = [Float](repeating: 0, count: d), lone = [Float](repeating: 0, count: d)
            let rng = RandomSource(seed: 32)
            output.withUnsafeMutableBufferPointer { o in
                doc.withUnsafeMutableBufferPointer { v in
                    for w in words {
                        for i in 0..<d { neu1e[i] = 0 }
                        neu1e.withUnsafeMutableBufferPointer {
                            referenceStep(output: o.baseAddress!, dim: d, negatives: negatives, sampler: sampler, rng: rng,
                                          l1: v.baseAddress!, target: w, lr: 0.025, neu1e: $0.baseAddress!, updatesOutputs: updates)
                        }
                        for i in 0..<d { v[i] += neu1e[i] }
                    }
                    lone.withUnsafeMutableBufferPointer {
                        referenceStep(output: o.baseAddress!, dim: d, negatives: negatives, sampler: sampler, rng: rng,
                                      l1: v.baseAddress!, target: 2, lr: 0.01, neu1e: $0.baseAddress!, updatesOutputs: updates)
                    }
                }
            }
            let after = rng.next()
            onEveryPath { path in
                var gotOutput = output0, gotDoc = doc0, scratch = [Float](repeating: .nan, count: d)
                var gotLone = [Float](repeating: 0, count: d)
                let rng = RandomSource(seed: 32)
                gotOutput.withUnsafeMutableBufferPointer { o in
                    let step = NegativeSamplingStep(output: o.baseAddress!, dim: d, negatives: negatives, sampler: sampler,
                                                    rng: rng, updatesOutputs: updates)
                    gotDoc.withUnsafeMutableBufferPointer { v in
                        step.dbow(words, document: v.baseAddress!, lr: 0.025, neu1e: &scratch)
                        step.run(v.baseAddress!, target: 2, lr: 0.01, neu1e: &gotLone)
                    }
                }
                let what = "dim \(d), \(negatives) negatives, outputs \(updates ? "trained" : "frozen"), on \(path)"
                assertBits(gotDoc, doc, "document vector, " + what)
                assertBits(gotOutput, output, "output vectors, " + what)
                assertBits(gotLone, lone, "a lone step's gradient, " + what)
                XCTAssertEqual(rng.next(), after, "the stream continues where the Swift loop left it, " + what)
            }
        }
    }
}
