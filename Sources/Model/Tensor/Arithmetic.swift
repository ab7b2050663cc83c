#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Element-wise arithmetic on tensors, with row/column/scalar broadcasting (see Broadcast).
extension Tensor {
    static func binary(_ op: String, _ a: Tensor, _ b: Tensor, _ f: (Float, Float) -> Float) throws -> Tensor {
        let (am, bm, shape) = try Broadcast.plan(op, a.shape, b.shape)
        let out = Tensor(uninitialized: shape)
        zipBroadcast(a, am, b, bm, into: out, f)
        return out
    }

    public static func + (a: Tensor, b: Tensor) throws -> Tensor { try binary("add", a, b, +) }
    public static func - (a: Tensor, b: Tensor) throws -> Tensor { try binary("sub", a, b, -) }
    public static func * (a: Tensor, b: Tensor) throws -> Tensor { try binary("mul", a, b, *) }
    public static func / (a: Tensor, b: Tensor) throws -> Tensor { try binary("div", a, b, /) }

    public static prefix func - (a: Tensor) -> Tensor { a.map { -$0 } }
    public static func * (a: Tensor, s: Float) -> Tensor { a.map { $0 * s } }
    public static func + (a: Tensor, s: Float) -> Tensor { a.map { $0 + s } }

    /// A new tensor with `f` applied to every element.
    @inline(__always)
    public func map(_ f: (Float) -> Float) -> Tensor {
        let out = Tensor(uninitialized: shape)
        let src = pointer, dst = out.pointer
        for i in 0..<count { dst[i] = f(src[i]) }
        return out
    }

    /// self += other (same shape; in place, for accumulating gradients).
    func addInPlace(_ other: Tensor) {
        precondition(other.count == count, "addInPlace \(shape) vs \(other.shape)")
        Kernels.add(other.pointer, into: pointer, count)
    }

    /// Largest absolute element (for tests and checks).
    public var maxAbs: Float {
        var m: Float = 0
        for i in 0..<count { m = Swift.max(m, Swift.abs(pointer[i])) }
        return m
    }

    /// Whether every element is finite (the trainer's NaN/Inf guard).
    public var isFinite: Bool {
        for i in 0..<count where !pointer[i].isFinite { return false }
        return true
    }
}
