/// The work after a split batch's parts, cut into pieces that touch disjoint coordinates:
/// piece k adds the parts' gradients, in part order, over its element range of each dense
/// gradient and over the table rows part k touched first, and takes the optimizer's step
/// there. Every coordinate gets the sum and the step the serial reduction and whole step give
/// it, bit for bit. Kept from step to step; `prepare` runs on one thread once every part has
/// finished (a lookup per parameter, no allocation: it is the serial part of a split step) and
/// notes where the dense gradients are; the pieces then touch no object another thread
/// frees (no reference counts moving between cores), only numbers.
final class PartedUpdate {  // `prepare` writes on one thread before the pieces read
    /// One parameter's share of a step.
    private struct Job {
        /// Held by the `GradientWorkers` that hold this.
        unowned(unsafe) let parameter: Variable
        let weights: UnsafeMutablePointer<Float>, count: Int
        /// Its optimizer state (nil: no part has a gradient of it this step).
        var state: UnsafeMutablePointer<Float>?
        /// Its state as last looked up, kept while the optimizer and its generation are the same.
        var known: UnsafeMutablePointer<Float>?
        var dense = false, rows = false
    }

    private let parts: Int
    private var jobs: [Job]
    /// Job i's dense gradient of part k at i·parts + k (nil: none), noted by `prepare`.
    private let denseGradients: UnsafeMutableBufferPointer<UnsafeMutablePointer<Float>?>
    private var optimizer: (any PartedOptimizer)?
    /// The optimizer's `stateGeneration` when the `known` states were looked up.
    private var generation = 0
    /// Whether some table has both a dense gradient and rows: its rows step after the dense
    /// step (as in the whole step), in a second round after a barrier.
    private(set) var hasSecondRound = false

    /// For `parameters` (distinct) whose gradients come in `parts` parts: the parameter's own
    /// (part 0), then its part copies'.
    init(_ parameters: [Variable], parts: Int) {
        self.parts = parts
        jobs = parameters.map { Job(parameter: $0, weights: $0.value.pointer, count: $0.value.count) }
        denseGradients = .allocate(capacity: jobs.count * parts)
        denseGradients.initialize(repeating: nil)
    }

    deinit { denseGradients.deallocate() }

    /// On one thread, once every part has finished and before any piece runs: which
    /// parameters have gradients, and their optimizer state (made on first use, then kept
    /// while the optimizer's state is not replaced). Reuses its storage from step to step.
    func prepare(_ optimizer: any PartedOptimizer) {
        let same = self.optimizer.map { $0 === optimizer } == true && generation == optimizer.stateGeneration
        self.optimizer = optimizer
        generation = optimizer.stateGeneration
        var second = false
        jobs.withUnsafeMutableBufferPointer { jobs in
            for i in jobs.indices {
                let p = jobs[i].parameter
                var dense = false, rows = false
                for k in 0..<parts {
                    let g = p.gradient(ofPart: k)?.pointer
                    denseGradients[i * parts + k] = g
                    dense = dense || g != nil
                    rows = rows || (p.rowGradient(ofPart: k)?.count ?? 0) > 0
                }
                jobs[i].dense = dense
                jobs[i].rows = rows
                if !same { jobs[i].known = nil }
                if dense || rows, jobs[i].known == nil { jobs[i].known = optimizer.state(of: p) }
                jobs[i].state = dense || rows ? jobs[i].known : nil
                second = second || (dense && rows)
            }
        }
        hasSecondRound = second
    }

    /// Piece k of `pieces`: the dense sums and steps and the row-only tables; after `between`
    /// (a barrier, when `hasSecondRound`), the rows of tables that had a dense step too.
    func run(piece k: Int, of pieces: Int, between: () -> Void) {
        guard let optimizer else { return }
        jobs.withUnsafeBufferPointer { jobs in
            for (i, job) in jobs.enumerated() where job.dense {
                dense(job, denseGradients.baseAddress! + i * parts, optimizer, piece: k, of: pieces)
            }
            for job in jobs where job.rows && !job.dense { rows(job, optimizer, piece: k) }
            guard hasSecondRound else { return }
            between()
            for job in jobs where job.rows && job.dense { rows(job, optimizer, piece: k) }
        }
    }

    /// Over piece k's element range: the later parts' gradients (`gradients[part]`) added
    /// into the first part's that has one, in part order, then the optimizer's step.
    private func dense(_ job: Job, _ gradients: UnsafePointer<UnsafeMutablePointer<Float>?>, _ optimizer: any PartedOptimizer,
                       piece k: Int, of pieces: Int) {
        let r = PartedRanges.elements(job.count, piece: k, of: pieces)
        var sum: UnsafeMutablePointer<Float>?
        for part in 0..<parts {
            guard let g = gradients[part] else { continue }
            if let sum {
                Kernels.add(g + r.lowerBound, into: sum + r.lowerBound, r.count)
            } else {
                sum = g
            }
        }
        guard let sum, let state = job.state else { return }
        optimizer.step(weights: job.weights + r.lowerBound, state: state + r.lowerBound,
                       gradient: sum + r.lowerBound, count: r.count)
    }

    /// A row belongs to the first part that touched it. Piece k takes part k's touched rows
    /// (the rows its thread has just gathered and whose gradients it wrote: in its cache).
    /// It reads the other parts' touched lists in order, looking each row up in part k's own
    /// slot map (never in another thread's): a row an earlier part touched is not part k's to
    /// step; a later part's gradient of a row part k owns is added into part k's slot, in
    /// part order (the serial merge's order). Then the owned rows step, a run of consecutive
    /// slots at a time (the row kernel prefetches scattered rows).
    private func rows(_ job: Job, _ optimizer: any PartedOptimizer, piece k: Int) {
        let p = job.parameter
        guard k < parts, let mine = p.rowGradient(ofPart: k), mine.count > 0, let state = job.state else { return }
        withUnsafeTemporaryAllocation(of: Bool.self, capacity: mine.count) { owned in
            owned.initialize(repeating: true)
            for j in 0..<parts where j != k {
                guard let other = p.rowGradient(ofPart: j), other.count > 0 else { continue }
                other.touchedRows.withUnsafeBufferPointer { rows in
                    for (position, row) in rows.enumerated() {
                        let slot = mine.slot(of: row)
                        guard slot >= 0, owned[slot] else { continue }
                        if j < k {
                            owned[slot] = false
                        } else {
                            Kernels.add(other.row(slot: position), into: mine.row(slot: slot), mine.width)
                        }
                    }
                }
            }
            mine.touchedRows.withUnsafeBufferPointer { rows in
                var start = 0
                for slot in 0...rows.count where slot == rows.count || !owned[slot] {
                    if slot > start {
                        optimizer.step(rows: rows.baseAddress! + start, count: slot - start, width: mine.width,
                                       weights: job.weights, state: state, gradients: mine.row(slot: start))
                    }
                    start = slot + 1
                }
            }
        }
        // No piece looks rows up in part k's slot map after this one.
        mine.clearSlots()
    }
}
