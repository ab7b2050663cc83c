#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Synthetic implicit feedback shaped like MovieLens-1M (the reference configuration of
/// shared/bench): Zipf-like item popularity, log-normal user activity, and a fixed unit-norm
/// dense content vector per item standing in for TF-IDF-weighted word vectors.
public struct SyntheticEvents {
    public let users: Int, items: Int
    public let eventItems: [Int32], eventUsers: [Int32]
    public let content: Tensor

    public static let movieLens1M = (users: 6040, items: 3706, events: 1_000_209, contentWidth: 300)

    public init(users: Int, items: Int, events: Int, contentWidth: Int, seed: UInt64) {
        let rng = RandomSource(seed: seed)
        let itemWeights = (0..<items).map { 1 / powf(Float($0) + 10, 0.9) }
        let userWeights = (0..<users).map { _ in expf(rng.normal()) }
        let itemSampler = CategoricalSampler(weights: itemWeights)
        let userSampler = CategoricalSampler(weights: userWeights)
        eventItems = (0..<events).map { _ in Int32(itemSampler.sample(rng)) }
        eventUsers = (0..<events).map { _ in Int32(userSampler.sample(rng)) }
        let c = Tensor.normal(Shape(items, contentWidth), rng: rng)
        for i in 0..<items {
            let row = c.pointer + i * contentWidth
            let norm = Kernels.dot(row, row, contentWidth).squareRoot()
            for j in 0..<contentWidth { row[j] /= norm }
        }
        content = c
        self.users = users
        self.items = items
    }

    public static func movieLens1MShape(seed: UInt64 = 0) -> SyntheticEvents {
        let s = movieLens1M
        return SyntheticEvents(users: s.users, items: s.items, events: s.events, contentWidth: s.contentWidth, seed: seed)
    }
}

/// Draws indices in proportion to fixed weights (binary search over the cumulative sums).
public struct CategoricalSampler {
    private let cumulative: [Double]

    public init(weights: [Float]) {
        var total = 0.0
        cumulative = weights.map { total += Double($0); return total }
    }

    public func sample(_ rng: RandomSource) -> Int {
        let target = Double(rng.next() >> 11) * 0x1p-53 * (cumulative.last ?? 0)
        var lo = 0, hi = cumulative.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if cumulative[mid] > target { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }
}
