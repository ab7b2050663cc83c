import Foundation
import Model

/// `rec bench train`: the reference configuration (shared/bench) trained with the Model API,
/// each batch cut into `--threads` parts (one BLAS thread each); figure: examples per second
/// over an epoch (after 20 warm-up batches).
struct TrainBenchmark {
    let loss: ReferenceTraining.LossKind
    let batches: Int?
    let threads: Int

    func run(json: Bool) throws {
        let t0 = Date()
        let data = try SyntheticEvents.movieLens1MShape(seed: 0)
        // Each thread trains its part of a batch with BLAS on one thread.
        if threads > 1 { BLAS.setThreads(1) }
        let model = try ReferenceTraining(data: data, loss: loss, threads: threads)
        print("data: \(data.users) users, \(data.items) items, \(data.eventItems.count) events "
              + "(made in \(String(format: "%.1f", Date().timeIntervalSince(t0))) s)")
        let warmup = 20, timed = batches ?? model.batchesPerEpoch
        var first: [Float] = [], last: [Float] = []
        for _ in 0..<warmup { first.append(try model.step()) }
        // On several threads the CPU time is all of them (waiting for each other included).
        let cpuSeconds = threads > 1 ? processCPUSeconds : threadCPUSeconds
        var steps = [UInt64](repeating: 0, count: timed)
        let start = DispatchTime.now().uptimeNanoseconds, startCPU = cpuSeconds()
        for k in 0..<timed {
            let before = DispatchTime.now().uptimeNanoseconds
            let l = try model.step()
            steps[k] = DispatchTime.now().uptimeNanoseconds - before
            if k >= timed - 10 { last.append(l) }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        // The median step: its pace leaves out the stalls a shared machine adds (another
        // process, or a real-time scheduler's throttling, holding a core: a two-thread step
        // waits whole for a descheduled thread), which the rate over all steps counts.
        steps.sort()
        let medianStep = timed > 0 ? Double(steps[timed / 2]) / 1e9 : .nan
        let medianRate = Double(model.batchSize) / medianStep
        let rate = Double(timed * model.batchSize) / seconds
        let cpuRate = Double(timed * model.batchSize) / (cpuSeconds() - startCPU)
        let recordedSteps = 200
        let bounds = try ProductBound.measure(batches: recordedSteps, batchSize: model.batchSize) { try model.step() }
        let bound = bounds.step
        // The products are timed one after another on one core; `threads` cores could run them that much faster.
        let share = rate / (bound.examplesPerSecond * Double(threads)), cpuShare = cpuRate / bound.examplesPerCPUSecond
        let sgemmCPUShare = cpuRate / bounds.sgemm.examplesPerCPUSecond
        let mean = { (xs: [Float]) in xs.reduce(0, +) / Float(max(xs.count, 1)) }
        print("loss \(loss.rawValue): \(mean(Array(first.prefix(10)))) → \(mean(last)) over \(timed) batches")
        print(String(format: "%.3f ms per batch of %d, %d negatives shared", seconds / Double(timed) * 1e3,
                     model.batchSize, model.negatives))
        print(String(format: "matrix products alone: %.0f examples/s (at %.1f GFLOP/s)%@; training reaches %.0f%% of that",
                     bound.examplesPerSecond * Double(threads), bound.gflops,
                     threads > 1 ? " on \(threads) cores (× \(threads) one core's)" : "", share * 100))
        print(String(format: "per CPU-second (what waiting for a busy core does not inflate): %.0f examples, products alone %.0f: %.0f%%",
                     cpuRate, bound.examplesPerCPUSecond, cpuShare * 100))
        // The same products all on OpenBLAS's sgemm: the bound at the machine's sgemm rate. Where
        // rec's kernel runs the small products faster than sgemm, this bound is the looser one.
        print(String(format: "products alone on OpenBLAS sgemm: %.0f examples per CPU-second (at %.1f GFLOP/s): %.0f%%",
                     bounds.sgemm.examplesPerCPUSecond, bounds.sgemm.gflops, sgemmCPUShare * 100))
        // Where the distance from the bound lies: products slower inside a step than alone
        // (operands out of cache, rows read in place), or the step's other work.
        let slower = bounds.productsInStep / bound.secondsPerStep
        if threads == 1 {
            print(String(format: "inside the step (%d recorded): its products %.1f µs a step against %.1f µs alone (%.2f×); the rest of its %.1f µs %.1f µs (%.0f%%)",
                         recordedSteps, bounds.productsInStep * 1e6, bound.secondsPerStep * 1e6, slower, bounds.stepSeconds * 1e6,
                         (bounds.stepSeconds - bounds.productsInStep) * 1e6, (1 - bounds.productsInStep / bounds.stepSeconds) * 100))
        } else {
            print(String(format: "inside the step (%d recorded): its products %.1f µs of thread time a step (all %d threads) against %.1f µs alone on one (%.2f×); a step %.1f µs",
                         recordedSteps, bounds.productsInStep * 1e6, threads, bound.secondsPerStep * 1e6, slower, bounds.stepSeconds * 1e6))
        }
        print(String(format: "median step %.1f µs: %.0f examples/s at that pace (the rate below counts every stall too)",
                     medianStep * 1e6, medianRate))
        print("kernels: \(KernelPath.current.rawValue) (REC_KERNELS=sse2|avx2|avx512 picks another the CPU has); products: \(BLAS.productsName)")
        if json {
            print(jsonLine([("bench", "train"), ("loss", loss.rawValue), ("threads", threads), ("kernels", KernelPath.current.rawValue), ("sgemm", BLAS.kernelsName), ("products", BLAS.productsName),
                            ("timed_batches", timed), ("train_sec", seconds), ("examples_per_sec", rate),
                            ("median_step_us", medianStep * 1e6), ("median_step_examples_per_sec", medianRate),
                            ("bound_examples_per_sec", bound.examplesPerSecond * Double(threads)), ("bound_ratio", share),
                            ("examples_per_cpu_sec", cpuRate), ("bound_examples_per_cpu_sec", bound.examplesPerCPUSecond),
                            ("cpu_bound_ratio", cpuShare),
                            ("sgemm_bound_examples_per_cpu_sec", bounds.sgemm.examplesPerCPUSecond), ("sgemm_cpu_bound_ratio", sgemmCPUShare),
                            ("products_in_step_us", bounds.productsInStep * 1e6), ("products_alone_us", bound.secondsPerStep * 1e6),
                            ("recorded_step_us", bounds.stepSeconds * 1e6)]))
        }
        print("train: \(Int(rate.rounded())) examples/s")
    }
}
