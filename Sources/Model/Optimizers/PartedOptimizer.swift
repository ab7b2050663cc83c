import CKernels

/// An optimizer whose step works coordinate by coordinate with one state slot per coordinate,
/// so that the step of a whole parameter can be taken in pieces over disjoint coordinates
/// (element ranges, single rows) on several threads with the same bits as the whole step.
protocol PartedOptimizer: Optimizer {
    /// The state slot of `p` (made on first use): one float per coordinate. Called on one
    /// thread before any piece of the step runs.
    func state(of p: Variable) -> UnsafeMutablePointer<Float>
    /// Changes whenever a state slot already handed out may have been replaced (a restored
    /// state): until then a slot's address can be kept from step to step.
    var stateGeneration: Int { get }
    /// The step on `count` consecutive coordinates: their weights, state and gradient. A
    /// piece that starts at a multiple of 16 (or a row's start) is computed as the whole
    /// step computes it.
    func step(weights: UnsafeMutablePointer<Float>, state: UnsafeMutablePointer<Float>,
              gradient: UnsafePointer<Float>, count: Int)
    /// The step on rows `rows` of a table `width` wide (`weights`, `state`: the whole table's),
    /// row k's gradient at `gradients + k·width`; each row as `step` over it computes it.
    func step(rows: UnsafePointer<Int32>, count: Int, width: Int, weights: UnsafeMutablePointer<Float>,
              state: UnsafeMutablePointer<Float>, gradients: UnsafePointer<Float>)
}

enum PartedRanges {
    /// Piece k of `count` elements: its bounds are multiples of 16 and only the last piece
    /// holds the tail, so a blocked kernel treats every element as it does over the whole.
    static func elements(_ count: Int, piece k: Int, of parts: Int) -> Range<Int> {
        let blocks = count / 16
        let lower = blocks * k / parts * 16
        let upper = k == parts - 1 ? count : blocks * (k + 1) / parts * 16
        return lower..<upper
    }

    /// Piece k of two over `count` elements, piece 0 taking about `share` of them: the same
    /// rule for the bounds (multiples of 16, the tail in the last piece), so any share gives
    /// every element the same bits.
    static func elements(_ count: Int, piece k: Int, share: Double) -> Range<Int> {
        let blocks = count / 16, cut = Swift.min(blocks, Swift.max(0, Int(Double(blocks) * share))) * 16
        return k == 0 ? 0..<cut : cut..<count
    }

    /// Piece k of `count` rows (or any items handled one whole at a time).
    static func rows(_ count: Int, piece k: Int, of parts: Int) -> Range<Int> {
        (count * k / parts)..<(count * (k + 1) / parts)
    }
}

extension Adagrad: PartedOptimizer {
    var stateGeneration: Int { slots.generation }

    func state(of p: Variable) -> UnsafeMutablePointer<Float> {
        slots.state(for: p, count: 1, initial: initialAccumulator)[0].pointer
    }

    // `rk_adagrad_rows` runs this same block kernel over each row.
    func step(weights: UnsafeMutablePointer<Float>, state: UnsafeMutablePointer<Float>,
              gradient: UnsafePointer<Float>, count: Int) {
        rk_adagrad(weights, state, gradient, Int64(count), learningRate, epsilon)
    }

    func step(rows: UnsafePointer<Int32>, count: Int, width: Int, weights: UnsafeMutablePointer<Float>,
              state: UnsafeMutablePointer<Float>, gradients: UnsafePointer<Float>) {
        rk_adagrad_rows(weights, state, gradients, rows, Int64(count), Int64(width), learningRate, epsilon)
    }
}
