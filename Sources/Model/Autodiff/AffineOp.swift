import CKernels

/// The activations a dense layer can end in. Their derivatives are written from the output
/// alone, so the fused affine op keeps no pre-activation buffer.
public enum Activation: String, CaseIterable, Sendable {
    case none, elu, relu, tanh, sigmoid

    func apply(_ p: UnsafeMutablePointer<Float>, _ n: Int) {
        switch self {
        case .none: break
        case .elu: ELUFunction.forward(p, p, n)
        case .relu: ReLUFunction.forward(p, p, n)
        case .tanh: TanhFunction.forward(p, p, n)
        case .sigmoid: SigmoidFunction.forward(p, p, n)
        }
    }

    /// The activation as an op of its own, on any node.
    public func apply(to x: Variable) -> Variable {
        switch self {
        case .none: return x
        case .elu: return x.elu()
        case .relu: return x.relu()
        case .tanh: return x.tanh()
        case .sigmoid: return x.sigmoid()
        }
    }

    /// dz = g · act'(y), written into `dz`: the element functions' derivatives, eight lanes at a
    /// time (a scalar `y > 0 ? …` becomes a branch that mispredicts on half the elements).
    /// ELU's and ReLU's derivatives test x > 0, which is y > 0, so y stands in for x.
    func backward(_ g: UnsafePointer<Float>, output y: UnsafePointer<Float>, into dz: UnsafeMutablePointer<Float>, _ n: Int) {
        switch self {
        case .none: dz.update(from: g, count: n)
        case .elu: ELUFunction.backward(x: y, y: y, g: g, into: dz, n)
        case .relu: ReLUFunction.backward(x: y, y: y, g: g, into: dz, n)
        case .tanh: TanhFunction.backward(x: y, y: y, g: g, into: dz, n)
        case .sigmoid: SigmoidFunction.backward(x: y, y: y, g: g, into: dz, n)
        }
    }
}

extension Activation {
    /// The fused C passes' code for this activation, or nil when it stays in Swift.
    var kernelCode: Int32? {
        switch self {
        case .none: return Int32(RK_ACT_NONE)
        case .elu: return Int32(RK_ACT_ELU)
        case .relu: return Int32(RK_ACT_RELU)
        case .tanh, .sigmoid: return nil
        }
    }
}

extension Variable {
    /// act(x @ W + b) in one op: one sgemm forward, two backward, and the bias and activation
    /// fused into single passes. x is [B, in], W [in, out], b [out]. With `dropout` (training:
    /// a rate and the generator), the op ends in inverted dropout too, and its backward is one
    /// pass for mask, activation and bias.
    public static func affine(_ x: Variable, _ w: Variable, _ b: Variable?, activation: Activation = .none,
                              dropout: (rate: Float, rng: RandomSource)? = nil) throws -> Variable {
        try affine(AffineInput.node(x), w, b, activation: activation, dropout: dropout)
    }

    /// `affine(gather(table, ids), w, b, …)`, the same numbers, without the gathered copy where
    /// rk_gemm runs the products: they read the table's rows in place (the forward product and
    /// W's gradient). A content matrix's rows for a batch's items are the use: their gather
    /// from a table in L3 cost as much as a tenth of the products. The table's gradient, when it
    /// has one, is the rows' gradients scattered back, as gather's.
    public static func affine(rowsOf table: Variable, _ ids: [Int32], _ w: Variable, _ b: Variable?,
                              activation: Activation = .none, dropout: (rate: Float, rng: RandomSource)? = nil) throws -> Variable {
        guard table.rank == 2 else { throw ModelError("gather", "needs a matrix, got shape \(table.shape)") }
        try ids.withUnsafeBufferPointer { try Tensor.checkIndices("gather", $0, rows: table.shape[0]) }
        let inPlace = w.rank == 2 && BLAS.takesRows(m: ids.count, n: w.shape[1], k: table.shape[1], transposeA: false)
        let input = inPlace ? AffineInput.rows(table, ids) : .node(try gather(table, ids))
        return try affine(input, w, b, activation: activation, dropout: dropout)
    }

    private static func affine(_ x: AffineInput, _ w: Variable, _ b: Variable?, activation: Activation,
                               dropout: (rate: Float, rng: RandomSource)?) throws -> Variable {
        let y = try x.times(w.value)
        let rows = y.shape[0], width = y.shape[1]
        if let b {
            guard b.rank == 1, b.shape[0] == width else {
                throw ModelError.shapes("dense", y.shape, b.shape, "bias does not fit the output")
            }
        }
        if let code = activation.kernelCode {
            rk_bias_act_forward(y.pointer, b?.value.pointer, Int64(rows), Int64(width), code)
        } else {
            if let b { for r in 0..<rows { Kernels.add(b.value.pointer, into: y.pointer + r * width, width) } }
            activation.apply(y.pointer, y.count)
        }
        let dropped = try dropout.map { try DropoutMask(rate: $0.rate, rng: $0.rng, applyingTo: y) }
        let out = dropped?.output ?? y
        return record(out, x.parent, w, b) { g in
            // Without activation or dropout dz is g itself (this node owns g; only read from here on).
            let dz = activation == .none && dropped == nil ? g : Tensor(uninitialized: y.shape)
            let gb = b.flatMap { $0.requiresGrad ? Tensor(zeros: $0.shape) : nil }
            activationBackward(activation, g, mask: dropped, y, into: dz, biasGradient: gb)
            x.accumulateWeightGradient(w, dz)
            if let b, let gb { b.accumulate(gb) }
            x.accumulateGradient(dz, w.value)
        }
    }

    /// dz = (g · mask) · act'(y), and the bias gradient Σ_rows dz added into `gb` when given.
    private static func activationBackward(_ activation: Activation, _ g: Tensor, mask: DropoutMask?, _ y: Tensor,
                                           into dz: Tensor, biasGradient gb: Tensor?) {
        let rows = y.shape[0], width = y.shape[1]
        if let code = activation.kernelCode {
            rk_act_backward(g.pointer, mask?.mask.pointer, y.pointer, dz.pointer, gb?.pointer, Int64(rows), Int64(width), code)
            return
        }
        if let mask { rk_multiply(g.pointer, mask.mask.pointer, dz.pointer, Int64(g.count)) }
        activation.backward(mask == nil ? g.pointer : dz.pointer, output: y.pointer, into: dz.pointer, y.count)
        if let gb { for r in 0..<rows { Kernels.add(dz.pointer + r * width, into: gb.pointer, width) } }
    }
}

/// What an affine op multiplies by W: a node's value, or rows of a table picked by index,
/// which the products read in place.
private enum AffineInput {
    case node(Variable)
    case rows(Variable, [Int32])

    var parent: Variable {
        switch self {
        case .node(let x): return x
        case .rows(let table, _): return table
        }
    }

    /// x @ W.
    func times(_ w: Tensor) throws -> Tensor {
        switch self {
        case .node(let x): return try x.value.matmul(w)
        case .rows(let table, let ids):
            let shape = try Tensor.matmulShape(Shape(ids.count, table.shape[1]), w.shape, transposeA: false, transposeB: false)
            let out = Tensor(uninitialized: shape)
            ids.withUnsafeBufferPointer { BLAS.gemm(rowsOf: table.value, $0, transposeA: false, w, into: out) }
            return out
        }
    }

    /// W's gradient += xᵀ dz.
    func accumulateWeightGradient(_ w: Variable, _ dz: Tensor) {
        switch self {
        case .node(let x): w.accumulateProduct(x.value, transposeX: true, dz, transposeY: false)
        case .rows(let table, let ids): w.accumulateProduct(rowsOf: table.value, ids, dz)
        }
    }

    /// x's gradient += dz Wᵀ (for rows: added to the table's rows, as gather's backward).
    func accumulateGradient(_ dz: Tensor, _ w: Tensor) {
        switch self {
        case .node(let x): x.accumulateProduct(dz, transposeX: false, w, transposeY: true)
        case .rows(let table, let ids):
            guard table.requiresGrad else { return }
            let gx = Tensor(uninitialized: Shape(ids.count, table.shape[1]))
            BLAS.gemm(dz, transposeA: false, w, transposeB: true, into: gx)
            table.accumulateRows(ids, gx)
        }
    }
}
