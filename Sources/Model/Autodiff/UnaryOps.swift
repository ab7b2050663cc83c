import CKernels
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An element-wise function with its derivative written from the input x and the output y,
/// so the backward pass needs only what the forward pass kept. Both work on eight lanes
/// (FastMath), and generic code over these types is specialised, so the loops inline them.
protocol ElementFunction {
    typealias V = SIMD8<Float>
    static func f(_ x: V) -> V
    static func df(x: V, y: V) -> V
}

extension ElementFunction {
    /// dst = f(src) over a buffer.
    @inline(__always)
    static func forward(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ n: Int) {
        FastMath.map(src, dst, n) { f($0) }
    }

    /// dx = g · f'(x) over buffers.
    @inline(__always)
    static func backward(x: UnsafePointer<Float>, y: UnsafePointer<Float>, g: UnsafePointer<Float>,
                         into dx: UnsafeMutablePointer<Float>, _ n: Int) {
        FastMath.map3(x, y, g, dx, n) { x, y, g in g * df(x: x, y: y) }
    }
}

enum ExpFunction: ElementFunction {
    @inline(__always) static func f(_ x: V) -> V { FastMath.exp(x) }
    @inline(__always) static func df(x: V, y: V) -> V { y }
}

enum LogFunction: ElementFunction {
    @inline(__always) static func f(_ x: V) -> V { FastMath.log(x) }
    @inline(__always) static func df(x: V, y: V) -> V { 1 / x }
}

/// σ(x) from e = exp(−|x|), which never overflows: 1/(1+e) for x ≥ 0, e/(1+e) below.
enum SigmoidFunction: ElementFunction {
    @inline(__always) static func f(_ x: V) -> V {
        let e = FastMath.exp(-FastMath.abs(x))
        let r = 1 / (1 + e)
        return r.replacing(with: e * r, where: x .< 0)
    }
    @inline(__always) static func df(x: V, y: V) -> V { y * (1 - y) }
}

/// log(1 + eˣ) = max(x, 0) + log(1 + e^−|x|): neither overflows nor loses large x.
enum SoftplusFunction: ElementFunction {
    @inline(__always) static func f(_ x: V) -> V {
        FastMath.max(x, 0) + FastMath.log(1 + FastMath.exp(-FastMath.abs(x)))
    }
    @inline(__always) static func df(x: V, y: V) -> V { SigmoidFunction.f(x) }
}

/// tanh: the Cephes odd polynomial below |x| = 0.625, 1 − 2/(e^{2|x|} + 1) above.
enum TanhFunction: ElementFunction {
    @inline(__always) static func f(_ x: V) -> V {
        let a = FastMath.abs(x)
        let z = x * x
        var p = V(repeating: -5.704_988_727_45e-3)
        p = p * z + 2.063_908_879_54e-2
        p = p * z - 5.373_971_555_31e-2
        p = p * z + 1.333_144_220_36e-1
        p = p * z - 3.333_328_194_22e-1
        let small = x + x * z * p
        let big = 1 - 2 / (FastMath.exp(a + a) + 1)
        let signed = big.replacing(with: -big, where: x .< 0)
        return signed.replacing(with: small, where: a .< 0.625)
    }
    @inline(__always) static func df(x: V, y: V) -> V { 1 - y * y }
}

/// ELU with α = 1: x above zero, eˣ − 1 below.
enum ELUFunction: ElementFunction {
    @inline(__always) static func f(_ x: V) -> V {
        (FastMath.expNonPositive(FastMath.min(x, 0)) - 1).replacing(with: x, where: x .> 0)
    }
    @inline(__always) static func df(x: V, y: V) -> V { (y + 1).replacing(with: 1, where: x .> 0) }
}

enum ReLUFunction: ElementFunction {
    @inline(__always) static func f(_ x: V) -> V { FastMath.max(x, 0) }
    @inline(__always) static func df(x: V, y: V) -> V { V(repeating: 0).replacing(with: 1, where: x .> 0) }
}

extension Variable {
    private func apply<F: ElementFunction>(_: F.Type) -> Variable {
        let x = value
        let y = Tensor(uninitialized: x.shape)
        F.forward(x.pointer, y.pointer, x.count)
        return Variable.record(y, self) { [self] g in
            let gx = Tensor(uninitialized: x.shape)
            F.backward(x: x.pointer, y: y.pointer, g: g.pointer, into: gx.pointer, x.count)
            accumulate(gx)
        }
    }

    public func exp() -> Variable { apply(ExpFunction.self) }
    public func log() -> Variable { apply(LogFunction.self) }
    public func sigmoid() -> Variable { apply(SigmoidFunction.self) }
    public func softplus() -> Variable { apply(SoftplusFunction.self) }
    public func tanh() -> Variable { apply(TanhFunction.self) }
    public func elu() -> Variable { applyKernel(.elu) }
    public func relu() -> Variable { applyKernel(.relu) }

    /// ELU and ReLU through the C passes (the same numbers as ELUFunction and ReLUFunction).
    private func applyKernel(_ activation: Activation) -> Variable {
        let x = value, code = activation.kernelCode ?? Int32(RK_ACT_NONE)
        let y = x.copy()
        let (rows, width) = (Int64(x.count == 0 ? 0 : x.shape.rows), Int64(x.shape.last))
        rk_bias_act_forward(y.pointer, nil, rows, width, code)
        return Variable.record(y, self) { [self] g in
            let gx = Tensor(uninitialized: x.shape)
            rk_act_backward(g.pointer, nil, y.pointer, gx.pointer, nil, rows, width, code)
            accumulate(gx)
        }
    }
}
