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

extension Variable {
    /// act(x @ W + b) in one op: one sgemm forward, two backward, and the bias and activation
    /// fused into single passes. x is [B, in], W [in, out], b [out].
    public static func affine(_ x: Variable, _ w: Variable, _ b: Variable?, activation: Activation = .none) throws -> Variable {
        let y = try x.value.matmul(w.value)
        let rows = y.shape[0], width = y.shape[1]
        if let b {
            guard b.rank == 1, b.shape[0] == width else {
                throw ModelError.shapes("dense", y.shape, b.shape, "bias does not fit the output")
            }
            for r in 0..<rows { Kernels.add(b.value.pointer, into: y.pointer + r * width, width) }
        }
        activation.apply(y.pointer, y.count)
        var parents = [x, w]
        if let b { parents.append(b) }
        return record(y, parents) { g in
            let dz = Tensor(uninitialized: y.shape)
            activation.backward(g.pointer, output: y.pointer, into: dz.pointer, y.count)
            w.accumulateProduct(x.value, transposeX: true, dz, transposeY: false)
            if let b, b.requiresGrad {
                let gb = Tensor(zeros: b.shape)
                for r in 0..<rows { Kernels.add(dz.pointer + r * width, into: gb.pointer, width) }
                b.accumulate(gb)
            }
            x.accumulateProduct(dz, transposeX: false, w.value, transposeY: true)
        }
    }
}
