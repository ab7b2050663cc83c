/// The work after a split batch's parts, cut into pieces that touch disjoint coordinates:
/// piece k adds the parts' gradients, in part order, over its element range of each dense
/// gradient and over the table rows part k touched first, and takes the optimizer's step
/// there. Every coordinate gets the sum and the step the serial reduction and whole step give
/// it, bit for bit. Built on one thread once every part has finished; its pieces run on any.
struct PartedUpdate {
    private struct Dense {
        let weights, state: UnsafeMutablePointer<Float>
        /// The first part's gradient that has one: the others are added into it.
        let sum: UnsafeMutablePointer<Float>
        let others: [UnsafePointer<Float>]
        let count: Int
    }

    private struct Rows {
        let weights, state: UnsafeMutablePointer<Float>
        /// Each part's row gradients of the table, in part order.
        let parts: [SparseRowGradient]
        let width: Int
    }

    private let optimizer: any PartedOptimizer
    private let dense: [Dense]
    /// Tables with row gradients only, and those that also have a dense gradient: their rows
    /// step after the dense step (as in the whole step), in a second round.
    private let rows: [Rows], rowsAfterDense: [Rows]

    init(_ parameters: [Variable], _ optimizer: any PartedOptimizer) {
        self.optimizer = optimizer
        var dense: [Dense] = [], rows: [Rows] = [], later: [Rows] = []
        for p in parameters {
            let copies = p.partCopies ?? []
            let grads = ([p.grad] + copies.map(\.grad)).compactMap { $0 }
            let tables = ([p.sparseGrad] + copies.map(\.sparseGrad)).compactMap { $0 }
            let hasRows = tables.contains { $0.count > 0 }
            guard !grads.isEmpty || hasRows else { continue }
            let w = p.value.pointer, state = optimizer.state(of: p)
            if let first = grads.first {
                dense.append(Dense(weights: w, state: state, sum: first.pointer,
                                   others: grads.dropFirst().map { UnsafePointer($0.pointer) }, count: first.count))
            }
            if hasRows {
                let job = Rows(weights: w, state: state, parts: tables, width: tables[0].width)
                if grads.isEmpty { rows.append(job) } else { later.append(job) }
            }
        }
        self.dense = dense
        self.rows = rows
        rowsAfterDense = later
    }

    /// Whether `run` needs a barrier between its rounds.
    var hasSecondRound: Bool { !rowsAfterDense.isEmpty }

    /// Piece k of `pieces`: the dense sums and steps and the row-only tables; after `between`
    /// (a barrier, when `hasSecondRound`), the rows of tables that had a dense step too.
    func run(piece k: Int, of pieces: Int, between: () -> Void) {
        for job in dense {
            let r = PartedRanges.elements(job.count, piece: k, of: pieces)
            for other in job.others { Kernels.add(other + r.lowerBound, into: job.sum + r.lowerBound, r.count) }
            optimizer.step(weights: job.weights + r.lowerBound, state: job.state + r.lowerBound,
                           gradient: job.sum + r.lowerBound, count: r.count)
        }
        for job in rows { step(job, piece: k) }
        guard hasSecondRound else { return }
        between()
        for job in rowsAfterDense { step(job, piece: k) }
    }

    /// A row belongs to the first part that touched it. Piece k takes part k's touched rows
    /// (the rows its thread has just gathered and whose gradients it wrote: in its cache).
    /// It reads the other parts' touched lists in order, looking each row up in part k's own
    /// slot map (never in another thread's): a row an earlier part touched is not part k's to
    /// step; a later part's gradient of a row part k owns is added into part k's slot, in
    /// part order (the serial merge's order). Then the owned rows step, a run of consecutive
    /// slots at a time (the row kernel prefetches scattered rows).
    private func step(_ job: Rows, piece k: Int) {
        guard k < job.parts.count, job.parts[k].count > 0 else { return }
        let mine = job.parts[k]
        withUnsafeTemporaryAllocation(of: Bool.self, capacity: mine.count) { owned in
            owned.initialize(repeating: true)
            for (j, other) in job.parts.enumerated() where j != k && other.count > 0 {
                other.touchedRows.withUnsafeBufferPointer { rows in
                    for (position, row) in rows.enumerated() {
                        let slot = mine.slot(of: row)
                        guard slot >= 0, owned[slot] else { continue }
                        if j < k {
                            owned[slot] = false
                        } else {
                            Kernels.add(other.row(slot: position), into: mine.row(slot: slot), job.width)
                        }
                    }
                }
            }
            mine.touchedRows.withUnsafeBufferPointer { rows in
                var start = 0
                for slot in 0...rows.count where slot == rows.count || !owned[slot] {
                    step(job, mine, rows, start..<slot)
                    start = slot + 1
                }
            }
        }
        // No piece looks rows up in part k's slot map after this one.
        mine.clearSlots()
    }

    /// The optimizer's step on the rows in slots `run` of `part`.
    private func step(_ job: Rows, _ part: SparseRowGradient, _ rows: UnsafeBufferPointer<Int32>, _ run: Range<Int>) {
        guard !run.isEmpty else { return }
        optimizer.step(rows: rows.baseAddress! + run.lowerBound, count: run.count, width: job.width,
                       weights: job.weights, state: job.state, gradients: part.row(slot: run.lowerBound))
    }
}
