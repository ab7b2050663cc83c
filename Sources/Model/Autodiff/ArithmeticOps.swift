import CKernels

/// Element-wise arithmetic on tape nodes, broadcasting like tensors do (see Broadcast).
extension Variable {
    /// Pass `g` on to an operand, summed down to its shape. When the same tensor already went
    /// to the other operand it is copied, since each gradient tensor has one owner.
    private static func send(_ g: Tensor, to v: Variable, mode: Broadcast, alreadyGiven: Tensor?) -> Tensor? {
        guard v.requiresGrad else { return nil }
        var r = Tensor.reduce(g, to: mode, shape: v.shape)
        if let given = alreadyGiven, given === r { r = r.copy() }
        v.accumulate(r)
        return r
    }

    public static func + (a: Variable, b: Variable) throws -> Variable {
        let (am, bm, shape) = try Broadcast.plan("add", a.shape, b.shape)
        let out = Tensor(uninitialized: shape)
        if am == .full && bm == .full {
            rk_sum(a.value.pointer, b.value.pointer, out.pointer, Int64(out.count))  // merging two towers: the common case
        } else {
            Tensor.zipBroadcast(a.value, am, b.value, bm, into: out, +)
        }
        return record(out, a, b) { g in
            // Two gathers merged (an item's content projection spread back to the batch, plus
            // its embedding rows): both only read g, so it serves both, uncopied.
            if am == .full, bm == .full, a.takesSharedGradient, b.takesSharedGradient {
                a.shareGradient(g)
                b.shareGradient(g)
                return
            }
            let given = send(g, to: a, mode: am, alreadyGiven: nil)
            _ = send(g, to: b, mode: bm, alreadyGiven: given)
        }
    }

    public static func - (a: Variable, b: Variable) throws -> Variable {
        let (am, bm, shape) = try Broadcast.plan("sub", a.shape, b.shape)
        let out = Tensor(uninitialized: shape)
        Tensor.zipBroadcast(a.value, am, b.value, bm, into: out, -)
        return record(out, a, b) { g in
            _ = send(g, to: a, mode: am, alreadyGiven: nil)
            if b.requiresGrad { _ = send(-g, to: b, mode: bm, alreadyGiven: nil) }
        }
    }

    public static func * (a: Variable, b: Variable) throws -> Variable {
        let (am, bm, shape) = try Broadcast.plan("mul", a.shape, b.shape)
        let out = Tensor(uninitialized: shape)
        // Same shapes (a row's square for weight decay, say): the C pass, not a closure per
        // element. A product of two floats is the same bits either way.
        let same = am == .full && bm == .full
        if same {
            rk_multiply(a.value.pointer, b.value.pointer, out.pointer, Int64(out.count))
        } else {
            Tensor.zipBroadcast(a.value, am, b.value, bm, into: out, *)
        }
        return record(out, a, b) { g in
            if a.requiresGrad {
                let ga = Tensor(uninitialized: shape)
                if same { rk_multiply(g.pointer, b.value.pointer, ga.pointer, Int64(ga.count)) }
                else { Tensor.zipBroadcast(g, .full, b.value, bm, into: ga, *) }
                _ = send(ga, to: a, mode: am, alreadyGiven: nil)
            }
            if b.requiresGrad {
                let gb = Tensor(uninitialized: shape)
                if same { rk_multiply(g.pointer, a.value.pointer, gb.pointer, Int64(gb.count)) }
                else { Tensor.zipBroadcast(g, .full, a.value, am, into: gb, *) }
                _ = send(gb, to: b, mode: bm, alreadyGiven: nil)
            }
        }
    }

    public static func / (a: Variable, b: Variable) throws -> Variable {
        let (am, bm, shape) = try Broadcast.plan("div", a.shape, b.shape)
        let out = Tensor(uninitialized: shape)
        Tensor.zipBroadcast(a.value, am, b.value, bm, into: out, /)
        return record(out, a, b) { g in
            if a.requiresGrad {
                let ga = Tensor(uninitialized: shape)
                Tensor.zipBroadcast(g, .full, b.value, bm, into: ga, /)
                _ = send(ga, to: a, mode: am, alreadyGiven: nil)
            }
            if b.requiresGrad {
                // d(a/b)/db = -(a/b)/b
                let gq = Tensor(uninitialized: shape)
                Tensor.zipBroadcast(g, .full, out, .full, into: gq) { -$0 * $1 }
                let gb = Tensor(uninitialized: shape)
                Tensor.zipBroadcast(gq, .full, b.value, bm, into: gb, /)
                _ = send(gb, to: b, mode: bm, alreadyGiven: nil)
            }
        }
    }

    public static prefix func - (a: Variable) -> Variable {
        record(-a.value, a) { g in a.accumulate(-g) }
    }

    public static func + (a: Variable, s: Float) -> Variable {
        record(a.value + s, a) { g in a.accumulate(g) }
    }

    public static func - (a: Variable, s: Float) -> Variable { a + (-s) }
    public static func + (s: Float, a: Variable) -> Variable { a + s }
    public static func - (s: Float, a: Variable) -> Variable { -a + s }

    public static func * (a: Variable, s: Float) -> Variable {
        record(a.value * s, a) { g in a.accumulate(g * s) }
    }

    public static func * (s: Float, a: Variable) -> Variable { a * s }
    public static func / (a: Variable, s: Float) -> Variable { a * (1 / s) }
}
