/// How an operand of an element-wise binary operation lines up with the result, seen as a
/// [rows, last] matrix: the whole tensor, one value, one row repeated (a bias `[K]` or `[1, K]`),
/// or one value per row (a `[B]` or `[B, 1]` against `[B, K]` — repeated along the last axis).
enum Broadcast: Equatable {
    case full, scalar, row, column

    /// The modes of both operands and the result shape, or an error naming both shapes.
    /// A rank-1 `[n]` against `[n, K]` is per-row (the contract of the language); against
    /// `[B, n]` with B ≠ n it is a row vector.
    static func plan(_ op: String, _ a: Shape, _ b: Shape) throws -> (Broadcast, Broadcast, Shape) {
        if a == b { return (.full, .full, a) }
        if b.count == 1 { return (.full, .scalar, a) }
        if a.count == 1 { return (.scalar, .full, b) }
        if let mode = mode(of: b, against: a) { return (.full, mode, a) }
        if let mode = mode(of: a, against: b) { return (mode, .full, b) }
        throw ModelError.shapes(op, a, b, "cannot broadcast")
    }

    private static func mode(of small: Shape, against big: Shape) -> Broadcast? {
        guard big.rank >= 2 else { return nil }
        let rows = big.rows, last = big.last
        switch small.rank {
        case 1:
            if small[0] == rows && big.rank == 2 { return .column }
            if small[0] == last { return .row }
        case 2:
            if small[0] == 1 && small[1] == last { return .row }
            if small[1] == 1 && small[0] == rows && big.rank == 2 { return .column }
        default:
            break
        }
        return nil
    }

    /// Where row `r` of this operand starts, and whether it advances along the row.
    @inline(__always)
    func rowStart(_ base: UnsafePointer<Float>, row r: Int, width: Int) -> (UnsafePointer<Float>, Bool) {
        switch self {
        case .full: return (base + r * width, true)
        case .row: return (base, true)
        case .column: return (base + r, false)
        case .scalar: return (base, false)
        }
    }
}

extension Tensor {
    /// out = f(a, b) element-wise under a broadcast plan. `f` is inlined into three loops
    /// (both advancing, only a, only b) so that each vectorizes.
    @inline(__always)
    static func zipBroadcast(_ a: Tensor, _ am: Broadcast, _ b: Tensor, _ bm: Broadcast,
                             into out: Tensor, _ f: (Float, Float) -> Float) {
        let width = out.shape.last, rows = out.count == 0 ? 0 : out.shape.rows  // [1e9, 0]: nothing to visit
        if am == .full && bm == .full {
            let pa = a.pointer, pb = b.pointer, po = out.pointer
            for i in 0..<out.count { po[i] = f(pa[i], pb[i]) }
            return
        }
        for r in 0..<rows {
            let (pa, sa) = am.rowStart(a.pointer, row: r, width: width)
            let (pb, sb) = bm.rowStart(b.pointer, row: r, width: width)
            let po = out.pointer + r * width
            switch (sa, sb) {
            case (true, true): for c in 0..<width { po[c] = f(pa[c], pb[c]) }
            case (true, false): let y = pb[0]; for c in 0..<width { po[c] = f(pa[c], y) }
            case (false, true): let x = pa[0]; for c in 0..<width { po[c] = f(x, pb[c]) }
            case (false, false): let v = f(pa[0], pb[0]); for c in 0..<width { po[c] = v }
            }
        }
    }

    /// Sum a result-shaped gradient down to an operand's shape under its broadcast mode.
    static func reduce(_ g: Tensor, to mode: Broadcast, shape: Shape) -> Tensor {
        switch mode {
        case .full:
            return g
        case .scalar:
            let t = Tensor(uninitialized: shape)
            t.pointer[0] = Kernels.sum(g.pointer, g.count)
            return t
        case .row:
            let t = Tensor(zeros: shape)
            let width = g.shape.last
            for r in 0..<g.shape.rows { Kernels.add(g.pointer + r * width, into: t.pointer, width) }
            return t
        case .column:
            let t = Tensor(uninitialized: shape)
            let width = g.shape.last
            for r in 0..<g.shape.rows { t.pointer[r] = Kernels.sum(g.pointer + r * width, width) }
            return t
        }
    }
}
