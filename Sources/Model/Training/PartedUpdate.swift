/// The work after a split batch's parts, cut into pieces that touch disjoint coordinates:
/// piece k adds the parts' gradients, in part order, over its element range of each dense
/// gradient and over the table rows part k owns (see `rows`), and takes the optimizer's step
/// there. Every coordinate gets the sum and the step the serial reduction and whole step give
/// it, bit for bit. Kept from step to step. Each part notes where its gradients are at the end
/// of its own body, on its own thread (`note`); `prepare` then runs on one thread (the serial
/// part of a split step: no allocation) and the pieces read those notes: none of them touches
/// an object of another part (no reference count, no field moving between cores), only
/// numbers, and the lines of plain memory they need.
final class PartedUpdate {  // `note` and `prepare` write before the pieces read (the barrier)
    /// One parameter's share of a step.
    private struct Job {
        let weights: UnsafeMutablePointer<Float>, count: Int
        /// A table's row width (1 for a parameter without row gradients).
        let width: Int
        /// Its optimizer state (nil: no part has a gradient of it this step).
        var state: UnsafeMutablePointer<Float>?
        /// Its state as last looked up, kept while the optimizer and its generation are the same.
        var known: UnsafeMutablePointer<Float>?
        var dense = false, rows = false
    }

    /// Where one part's gradients of one parameter are, noted by that part.
    private struct Note {
        var dense: UnsafeMutablePointer<Float>?
        /// Its touched rows (in first-touch order) and their gradients, `rowCount` of them.
        var rows: UnsafePointer<Int32>?, values: UnsafeMutablePointer<Float>?
        var rowCount = 0
    }

    private let parts: Int, count: Int
    private let jobs: UnsafeMutableBufferPointer<Job>
    /// Job i's variable of part k at i·parts + k: the parameter for part 0, its gradient copy
    /// k − 1 for part k (held by the parameters, so neither retained nor released here).
    private let owners: UnsafeMutableBufferPointer<Unmanaged<Variable>>
    /// Part k's notes, job by job, from `notes + k·stride` (each part's on cache lines of its own).
    private let notes: UnsafeMutableRawPointer, stride: Int
    private var optimizer: (any PartedOptimizer)?
    /// The optimizer's `stateGeneration` when the `known` states were looked up.
    private var generation = 0
    /// With two pieces, piece 0's share of the dense elements (`balance`).
    private(set) var share = 0.5
    /// Whether `prepare` ran since the last `disarm`: else `run` does nothing.
    private var armed = false
    /// Whether some table has both a dense gradient and rows: its rows step after the dense
    /// step (as in the whole step), in a second round after a barrier.
    private(set) var hasSecondRound = false

    /// For `parameters` (distinct) whose gradients come in `parts` parts: the parameter's own
    /// (part 0), then its part copies' (attached before this is made).
    init(_ parameters: [Variable], parts: Int) {
        self.parts = parts
        count = parameters.count
        jobs = .allocate(capacity: count)
        owners = .allocate(capacity: count * parts)
        for (i, p) in parameters.enumerated() {
            let width = p.value.rank == 2 ? p.value.shape[1] : 1
            (jobs.baseAddress! + i).initialize(to: Job(weights: p.value.pointer, count: p.value.count, width: width))
            for k in 0..<parts {
                let owner = k == 0 ? p : p.partCopies?[k - 1] ?? p
                (owners.baseAddress! + i * parts + k).initialize(to: .passUnretained(owner))
            }
        }
        stride = (Swift.max(1, count) * MemoryLayout<Note>.stride + 63) / 64 * 64
        notes = .allocate(byteCount: stride * parts, alignment: 64)
        for k in 0..<parts { note(k).initialize(repeating: Note(), count: count) }
    }

    deinit {
        jobs.deallocate()
        owners.deallocate()
        notes.deallocate()
    }

    private func note(_ k: Int) -> UnsafeMutablePointer<Note> { (notes + k * stride).assumingMemoryBound(to: Note.self) }

    /// On part k's thread, once its body is done: where its gradients are.
    func note(part k: Int) {
        let mine = note(k)
        for i in 0..<count {
            owners[i * parts + k]._withUnsafeGuaranteedRef { v in
                mine[i].dense = v.gradient(ofPart: 0)?.pointer
                if let rows = v.rowGradient(ofPart: 0), rows.count > 0 {
                    mine[i].rows = rows.touchedBase
                    mine[i].values = rows.row(slot: 0)
                    mine[i].rowCount = rows.count
                } else {
                    mine[i].rowCount = 0
                }
            }
        }
    }

    /// Drops part k's gradients of every parameter (into the free lists of the thread that
    /// calls this: part k's own).
    func clear(part k: Int) {
        for i in 0..<count {
            owners[i * parts + k]._withUnsafeGuaranteedRef { $0.zeroOwnGrad() }
        }
    }

    /// On one thread, once every part has noted its gradients and before any piece runs: which
    /// parameters have gradients, and their optimizer state (made on first use, then kept
    /// while the optimizer's state is not replaced).
    func prepare(_ optimizer: any PartedOptimizer) {
        armed = true
        let same = self.optimizer.map { $0 === optimizer } == true && generation == optimizer.stateGeneration
        if !same {
            self.optimizer = optimizer
            generation = optimizer.stateGeneration
        }
        var second = false
        for i in 0..<count {
            var dense = false, rows = false
            for k in 0..<parts {
                dense = dense || note(k)[i].dense != nil
                rows = rows || note(k)[i].rowCount > 0
            }
            jobs[i].dense = dense
            jobs[i].rows = rows
            if !same { jobs[i].known = nil }
            if dense || rows, jobs[i].known == nil {
                jobs[i].known = owners[i * parts]._withUnsafeGuaranteedRef { optimizer.state(of: $0) }
            }
            jobs[i].state = dense || rows ? jobs[i].known : nil
            second = second || (dense && rows)
        }
        hasSecondRound = second
    }

    /// Between steps, with two pieces: moves a little of the dense work toward the piece that
    /// finished first last time (`firstLate`: piece 0's thread, the caller, was the later
    /// one to be ready for the next step), so that both threads end a step together whatever
    /// the cores cost (which move by several times between spells on a shared host). Any
    /// cut gives the same bits (`PartedRanges`): only the time depends on it.
    func balance(firstLate: Bool) {
        guard armed else { return }
        share = Swift.min(0.8, Swift.max(0.2, share + (firstLate ? -1.0 : 1.0) / 128))
    }

    /// No step this time (a refused or failed batch): `run` does nothing until `prepare`.
    func disarm() { armed = false }

    /// Piece k of `pieces`: the dense sums and steps and the row-only tables; after `between`
    /// (a barrier, when `hasSecondRound`), the rows of tables that had a dense step too.
    func run(piece k: Int, of pieces: Int, between: () -> Void) {
        guard armed, let optimizer else { return }
        for i in 0..<count where jobs[i].dense { dense(i, optimizer, piece: k, of: pieces) }
        for i in 0..<count where jobs[i].rows && !jobs[i].dense { rows(i, optimizer, piece: k) }
        guard hasSecondRound else { return }
        between()
        for i in 0..<count where jobs[i].rows && jobs[i].dense { rows(i, optimizer, piece: k) }
    }

    /// Over piece k's element range of job i: the later parts' gradients added into the first
    /// part's that has one, in part order, then the optimizer's step.
    private func dense(_ i: Int, _ optimizer: any PartedOptimizer, piece k: Int, of pieces: Int) {
        let job = jobs[i]
        let r = pieces == 2 ? PartedRanges.elements(job.count, piece: k, share: share) : PartedRanges.elements(job.count, piece: k, of: pieces)
        var sum: UnsafeMutablePointer<Float>?
        for part in 0..<parts {
            guard let g = note(part)[i].dense else { continue }
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

    /// A row belongs to the first part that touched it — with two parts that touched the whole
    /// table, to the part of its half of the table. Piece k takes part k's touched rows (the rows its
    /// thread has just gathered and whose gradients it wrote: in its cache). It reads the
    /// other parts' touched lists in order, looking each row up in part k's own slot map
    /// (never in another thread's): a row another part owns is not part k's to step; another
    /// part's gradient of a row part k owns is added into part k's slot, in part order (the
    /// serial merge's order; with two parts a + b, the same bits as b + a). Then the owned
    /// rows step, a run of consecutive slots at a time (the row kernel prefetches scattered
    /// rows).
    private func rows(_ i: Int, _ optimizer: any PartedOptimizer, piece k: Int) {
        let job = jobs[i]
        guard k < parts, case let mine = note(k)[i], mine.rowCount > 0, let touched = mine.rows, let values = mine.values,
              let state = job.state else { return }
        let width = job.width
        owners[i * parts + k]._withUnsafeGuaranteedRef { owner in
            guard let slots = owner.rowGradient(ofPart: 0) else { return }
            // Two parts that both touched every row of the table (wmse over all users: each
            // part's Gramian reads every user): a row belongs to piece 0 below the table's
            // middle row and to piece 1 from it (its sum is a + b either way), so that the
            // table is stepped half on each thread, not all on the first. Tables the parts
            // touch in part keep the first-touch rule (a bpr step was 1% slower with halves).
            let tableRows = job.count / width
            let middle = parts == 2 && note(0)[i].rowCount == tableRows && note(1)[i].rowCount == tableRows
                ? Int32(clamping: tableRows / 2) : Int32.max
            withUnsafeTemporaryAllocation(of: Bool.self, capacity: mine.rowCount) { owned in
                owned.initialize(repeating: true)
                for j in 0..<parts where j != k {
                    let other = note(j)[i]
                    guard other.rowCount > 0, let rows = other.rows, let from = other.values else { continue }
                    for position in 0..<other.rowCount {
                        let row = rows[position], slot = slots.slot(of: row)
                        guard slot >= 0, owned[slot] else { continue }
                        if (j < k) == (row < middle) {
                            owned[slot] = false
                        } else {
                            Kernels.add(from + position * width, into: values + slot * width, width)
                        }
                    }
                }
                var start = 0
                for slot in 0...mine.rowCount where slot == mine.rowCount || !owned[slot] {
                    if slot > start {
                        optimizer.step(rows: touched + start, count: slot - start, width: width,
                                       weights: job.weights, state: state, gradients: values + start * width)
                    }
                    start = slot + 1
                }
            }
            // No piece looks rows up in part k's slot map after this one.
            slots.clearSlots()
        }
    }
}
