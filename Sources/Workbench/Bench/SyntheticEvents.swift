#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Model

/// Synthetic implicit feedback shaped like MovieLens-1M (the reference configuration of
/// shared/bench): Zipf-like item popularity, log-normal user activity, and a fixed unit-norm
/// dense content vector per item standing in for TF-IDF-weighted word vectors.
struct SyntheticEvents {
    let users: Int, items: Int
    let eventItems: [Int32], eventUsers: [Int32]
    let content: Tensor

    static let movieLens1M = (users: 6040, items: 3706, events: 1_000_209, contentWidth: 300)

    init(users: Int, items: Int, events: Int, contentWidth: Int, seed: UInt64) throws {
        let rng = RandomSource(seed: seed)
        let itemWeights = (0..<items).map { 1 / powf(Float($0) + 10, 0.9) }
        let userWeights = (0..<users).map { _ in expf(rng.normal()) }
        let itemSampler = CategoricalSampler(weights: itemWeights)
        let userSampler = CategoricalSampler(weights: userWeights)
        eventItems = (0..<events).map { _ in Int32(itemSampler.sample(rng)) }
        eventUsers = (0..<events).map { _ in Int32(userSampler.sample(rng)) }
        content = try Self.content(items: items, width: contentWidth, rng: rng)
        self.users = users
        self.items = items
    }

    /// Given events (a loaded dataset's: `rec bench scale`), with synthetic content vectors.
    init(users: Int, items: Int, eventUsers: [Int32], eventItems: [Int32], contentWidth: Int, seed: UInt64) throws {
        self.users = users
        self.items = items
        self.eventUsers = eventUsers
        self.eventItems = eventItems
        content = try Self.content(items: items, width: contentWidth, rng: RandomSource(seed: seed))
    }

    /// A unit-norm normal vector per item.
    static func content(items: Int, width: Int, rng: RandomSource) throws -> Tensor {
        var c = try Tensor.normal(Shape(items, width), rng: rng).scalars
        for i in 0..<items {
            let row = (i * width)..<((i + 1) * width)
            let norm = Self.squaredNorm(c[row]).squareRoot()
            for j in row { c[j] /= norm }
        }
        return try Tensor(shape: Shape(items, width), values: c)
    }

    /// Summed in the order of the library's dot kernel, so the data are the same bits as when
    /// this fixture lived in the library.
    static func squaredNorm(_ x: ArraySlice<Float>) -> Float {
        var acc = SIMD16<Float>()
        var i = x.startIndex
        while i + 16 <= x.endIndex {
            let v = SIMD16<Float>(x[i..<(i + 16)])
            acc += v * v
            i += 16
        }
        var s = acc.sum()
        while i < x.endIndex { s += x[i] * x[i]; i += 1 }
        return s
    }

    static func movieLens1MShape(seed: UInt64 = 0) throws -> SyntheticEvents {
        let s = movieLens1M
        return try SyntheticEvents(users: s.users, items: s.items, events: s.events, contentWidth: s.contentWidth, seed: seed)
    }
}

/// Draws indices in proportion to fixed weights (binary search over the cumulative sums).
struct CategoricalSampler {
    private let cumulative: [Double]

    init(weights: [Float]) {
        var total = 0.0
        cumulative = weights.map { total += Double($0); return total }
    }

    func sample(_ rng: RandomSource) -> Int {
        let target = Double(rng.next() >> 11) * 0x1p-53 * (cumulative.last ?? 0)
        var lo = 0, hi = cumulative.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if cumulative[mid] > target { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }
}
