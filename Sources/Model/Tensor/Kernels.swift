import CKernels
import COpenBLAS

/// Tight loops over contiguous buffers that the rest of the core builds on. A plain Float
/// reduction never vectorizes in Swift (it keeps IEEE order), so reductions use explicit
/// SIMD16 accumulators; element-wise loops vectorize on their own.
enum Kernels {
    @inline(__always)
    static func load16(_ p: UnsafePointer<Float>) -> SIMD16<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self)
    }

    @inline(__always)
    static func store16(_ v: SIMD16<Float>, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD16<Float>.self)
    }

    @inline(__always)
    static func sum(_ p: UnsafePointer<Float>, _ n: Int) -> Float {
        var acc = SIMD16<Float>()
        var i = 0
        while i + 16 <= n { acc += load16(p + i); i += 16 }
        var s = acc.sum()
        while i < n { s += p[i]; i += 1 }
        return s
    }

    @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
        var acc = SIMD16<Float>()
        var i = 0
        while i + 16 <= n { acc += load16(a + i) * load16(b + i); i += 16 }
        var s = acc.sum()
        while i < n { s += a[i] * b[i]; i += 1 }
        return s
    }

    /// y += alpha * x
    @inline(__always)
    static func axpy(_ alpha: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        for i in 0..<n { y[i] += alpha * x[i] }
    }

    /// y += x. Long runs (gradient sums, a bias over every user) go to rk_add at the CPU's full
    /// width; short rows stay inline, where a call through the dispatch table costs more than
    /// the adds. The same bits either way: each element is one addition.
    @inline(__always)
    static func add(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, _ n: Int) {
        if n >= 256 { rk_add(x, y, Int64(n)); return }
        for i in 0..<n { y[i] += x[i] }
    }

    /// z = x * y, element-wise, sixteen lanes at a time (the pointers are not known apart).
    @inline(__always)
    static func multiply(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ z: UnsafeMutablePointer<Float>, _ n: Int) {
        var i = 0
        while i + 16 <= n { store16(load16(x + i) * load16(y + i), z + i); i += 16 }
        while i < n { z[i] = x[i] * y[i]; i += 1 }
    }

    /// Asks for the cache lines of p[0..<n] ahead of use (a hint: nothing waits for them).
    @inline(__always)
    static func prefetch(_ p: UnsafePointer<Float>, _ n: Int) {
        var c = 0
        while c < n { rec_prefetch(p + c); c += 16 }  // 16 floats a 64-byte line
    }

    /// The same for 32-bit integers (ids).
    @inline(__always)
    static func prefetch(ahead p: UnsafePointer<Int32>, _ n: Int) {
        prefetch(UnsafeRawPointer(p).assumingMemoryBound(to: Float.self), n)
    }

    /// The largest element (-∞ for none), sixteen lanes at a time: a scalar running maximum
    /// branches on every element.
    static func maximum(_ p: UnsafePointer<Float>, _ n: Int) -> Float {
        var acc = SIMD16<Float>(repeating: -.infinity)
        var i = 0
        while i + 16 <= n {
            let v = load16(p + i)
            acc.replace(with: v, where: v .> acc)
            i += 16
        }
        var m = acc.max()
        while i < n { m = Swift.max(m, p[i]); i += 1 }
        return m
    }
}
