/// The work after a split batch's parts, cut into pieces that touch disjoint coordinates:
/// piece k adds the parts' gradients, in part order, over its element range of each dense
/// gradient and over the table rows part k touched first, and takes the optimizer's step
/// there. Every coordinate gets the sum and the step the serial reduction and whole step give
/// it, bit for bit. Kept from step to step; `prepare` runs on one thread once every part has
/// finished (a lookup per parameter, no allocation: it is the serial part of a split step), and
/// each piece, on any thread, finds the parts' gradients itself.
final class PartedUpdate {  // `prepare` writes on one thread before the pieces read
    /// One parameter's share of a step: where its part gradients are, read from the
    /// parameter and its copies by each piece itself.
    private struct Job {
        let parameter: Variable
        /// Its optimizer state (nil: no part has a gradient of it this step).
        var state: UnsafeMutablePointer<Float>?
        var dense = false, rows = false
    }

    private let parts: Int
    private var jobs: [Job]
    private var optimizer: (any PartedOptimizer)?
    /// Whether some table has both a dense gradient and rows: its rows step after the dense
    /// step (as in the whole step), in a second round after a barrier.
    private(set) var hasSecondRound = false

    /// For `parameters` (distinct) whose gradients come in `parts` parts: the parameter's own
    /// (part 0), then its part copies'.
    init(_ parameters: [Variable], parts: Int) {
        self.parts = parts
        jobs = parameters.map { Job(parameter: $0) }
    }

    /// On one thread, once every part has finished and before any piece runs: which
    /// parameters have gradients, and their optimizer state (made on first use). Reuses its
    /// storage from step to step: the work here is a lookup per parameter.
    func prepare(_ optimizer: any PartedOptimizer) {
        self.optimizer = optimizer
        var second = false
        jobs.withUnsafeMutableBufferPointer { jobs in
            for i in jobs.indices {
                let p = jobs[i].parameter
                var dense = false, rows = false
                for k in 0..<parts {
                    dense = dense || p.gradient(ofPart: k) != nil
                    rows = rows || (p.rowGradient(ofPart: k)?.count ?? 0) > 0
                }
                jobs[i].dense = dense
                jobs[i].rows = rows
                jobs[i].state = dense || rows ? optimizer.state(of: p) : nil
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
            for job in jobs where job.dense { dense(job, optimizer, piece: k, of: pieces) }
            for job in jobs where job.rows && !job.dense { rows(job, optimizer, piece: k) }
            guard hasSecondRound else { return }
            between()
            for job in jobs where job.rows && job.dense { rows(job, optimizer, piece: k) }
        }
    }

    /// Over piece k's element range: the later parts' gradients added into the first part's
    /// that has one, in part order, then the optimizer's step.
    private func dense(_ job: Job, _ optimizer: any PartedOptimizer, piece k: Int, of pieces: Int) {
        let p = job.parameter
        var sum: Tensor?
        for part in 0..<parts {
            guard let g = p.gradient(ofPart: part) else { continue }
            let r = PartedRanges.elements(g.count, piece: k, of: pieces)
            if let sum {
                Kernels.add(g.pointer + r.lowerBound, into: sum.pointer + r.lowerBound, r.count)
            } else {
                sum = g
            }
        }
        guard let sum, let state = job.state else { return }
        let r = PartedRanges.elements(sum.count, piece: k, of: pieces)
        optimizer.step(weights: p.value.pointer + r.lowerBound, state: state + r.lowerBound,
                       gradient: sum.pointer + r.lowerBound, count: r.count)
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
                                       weights: p.value.pointer, state: state, gradients: mine.row(slot: start))
                    }
                    start = slot + 1
                }
            }
        }
        // No piece looks rows up in part k's slot map after this one.
        mine.clearSlots()
    }
}
