import CKernels
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The seeded random generator that everything that samples shares (initialisation, dropout,
/// negative sampling, shuffling): xoshiro256** seeded through splitmix64. The same seed gives
/// the same stream on every machine.
public final class RandomSource: RandomNumberGenerator {
    private var state: Stream
    public private(set) var seed: UInt64

    /// The same stream with its state in a value: loops that draw many numbers take it with
    /// `withStream` (a class's stored state pays an exclusivity check on every draw).
    public struct Stream: Sendable {
        var s0, s1, s2, s3: UInt64

        @inline(__always)
        public mutating func next() -> UInt64 {
            let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
            let t = s1 << 17
            s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
            s2 ^= t
            s3 = (s3 << 45) | (s3 >> 19)
            return result
        }
    }

    /// Runs `body` on a local copy of the state and continues the stream where it left off:
    /// the numbers are exactly those `next()` would have given.
    @inline(__always)
    public func withStream<R>(_ body: (inout Stream) throws -> R) rethrows -> R {
        var stream = state
        defer { state = stream }
        return try body(&stream)
    }

    public init(seed: UInt64) {
        self.seed = seed
        var x = seed
        func splitmix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        state = Stream(s0: splitmix(), s1: splitmix(), s2: splitmix(), s3: splitmix())
    }

    /// Where the stream stands, to come back to (`restore`).
    public struct Snapshot: Sendable {
        fileprivate let state: Stream, seed: UInt64
    }

    public func snapshot() -> Snapshot { Snapshot(state: state, seed: seed) }

    /// Continues the stream from a snapshot, as if nothing had been drawn since.
    public func restore(_ s: Snapshot) { (state, seed) = (s.state, s.seed) }

    /// Restart the stream from a new seed.
    public func reseed(_ seed: UInt64) {
        let fresh = RandomSource(seed: seed)
        (state, self.seed) = (fresh.state, seed)
    }

    @inline(__always)
    public func next() -> UInt64 {
        state.next()
    }

    /// Uniform in [0, 1) with 24 random bits (every Float32 step in that range).
    @inline(__always)
    public func uniform() -> Float { Float(next() >> 40) * 0x1p-24 }

    /// Uniform integer in 0..<n (Lemire's multiply-shift; the bias is below 2^-32 for our n).
    @inline(__always)
    public func below(_ n: Int) -> Int {
        Int((UInt64(UInt32(truncatingIfNeeded: next() >> 32)) &* UInt64(n)) >> 32)
    }

    /// Standard normal (Box–Muller).
    public func normal() -> Float {
        let u1 = Swift.max(Float(next() >> 40) * 0x1p-24, 0x1p-25)
        let u2 = uniform()
        return sqrtf(-2 * logf(u1)) * cosf(2 * Float.pi * u2)
    }

    /// Fill a buffer with uniform values in [low, high).
    public func fillUniform(_ p: UnsafeMutablePointer<Float>, count: Int, low: Float, high: Float) {
        let span = high - low
        for i in 0..<count { p[i] = low + span * uniform() }
    }

    /// Runs `body` on the stream's four state words (for C kernels that draw from it) and
    /// continues the stream from what they leave there.
    public func withStateWords<R>(_ body: (UnsafeMutablePointer<UInt64>) throws -> R) rethrows -> R {
        try withStream { stream in
            var words = (stream.s0, stream.s1, stream.s2, stream.s3)
            defer { (stream.s0, stream.s1, stream.s2, stream.s3) = words }
            return try withUnsafeMutablePointer(to: &words) { p in
                try p.withMemoryRebound(to: UInt64.self, capacity: 4) { try body($0) }
            }
        }
    }

    /// `shuffle` for index arrays, in C (rk_shuffle_int32): the same draws and permutation, with
    /// the far element of each swap prefetched (an epoch's order is larger than L2 and the plain
    /// loop waits on a cache miss per swap).
    public func shuffle(_ order: inout [Int32]) {
        order.withUnsafeMutableBufferPointer { v in withStateWords { rk_shuffle_int32($0, v.baseAddress, Int64(v.count)) } }
    }

    /// `shuffle` for index arrays of Int (rk_shuffle_int64; Int is 64 bits wherever rec builds).
    public func shuffle(_ order: inout [Int]) {
        order.withUnsafeMutableBufferPointer { v in
            withStateWords { s in
                v.withMemoryRebound(to: Int64.self) { rk_shuffle_int64(s, $0.baseAddress, Int64($0.count)) }
            }
        }
    }

    /// A random permutation of 0..<n (Fisher–Yates) written into `order`. Inlinable so that
    /// callers in other modules (the bench command) get it specialized for their element type:
    /// unspecialized, every swap goes through the runtime's value witnesses.
    @inlinable
    public func shuffle<T>(_ order: inout [T]) {
        var i = order.count - 1
        while i > 0 {
            let j = below(i + 1)
            order.swapAt(i, j)
            i -= 1
        }
    }
}
