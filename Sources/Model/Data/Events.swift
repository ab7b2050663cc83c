import Foundation

/// Interactions as parallel arrays (struct of arrays): user and item indices, the rating and
/// its time. Implicit-feedback events are the ratings at or above a threshold.
public struct Events: Sendable {
    public var users: [Int32] = []
    public var items: [Int32] = []
    public var ratings: [Float] = []
    public var times: [Int64] = []

    public init() {}

    public var count: Int { users.count }
    public var isEmpty: Bool { users.isEmpty }

    /// Room for `n` events in every column.
    public mutating func reserve(_ n: Int) {
        users.reserveCapacity(n)
        items.reserveCapacity(n)
        ratings.reserveCapacity(n)
        times.reserveCapacity(n)
    }

    /// Asks the kernel to back the columns' reserved room with huge pages where it can
    /// (Linux, transparent huge pages on `madvise`): filling hundreds of megabytes then takes
    /// a fault per 2 MB instead of per 4 KB. Only advice: nothing changes where it is not taken.
    mutating func adviseHugePages() {
        Self.adviseHugePages(&users)
        Self.adviseHugePages(&items)
        Self.adviseHugePages(&ratings)
        Self.adviseHugePages(&times)
    }

    private static func adviseHugePages<T>(_ column: inout [T]) {
        #if os(Linux)
        let bytes = column.capacity * MemoryLayout<T>.stride, huge = 2 << 20
        guard bytes >= 4 * huge else { return }
        column.withUnsafeMutableBytes { raw in
            guard let base = raw.baseAddress else { return }
            let start = (Int(bitPattern: base) + huge - 1) & ~(huge - 1), end = (Int(bitPattern: base) + bytes) & ~(huge - 1)
            if end > start { _ = madvise(UnsafeMutableRawPointer(bitPattern: start), end - start, MADV_HUGEPAGE) }
        }
        #endif
    }

    public mutating func append(user: Int32, item: Int32, rating: Float, time: Int64) {
        users.append(user)
        items.append(item)
        ratings.append(rating)
        times.append(time)
    }

    /// The events at the given positions, in that order.
    public func subset<S: Sequence>(_ positions: S) -> Events where S.Element == Int {
        var e = Events()
        e.reserve(positions.underestimatedCount)
        for k in positions { e.append(user: users[k], item: items[k], rating: ratings[k], time: times[k]) }
        return e
    }

    /// The events for which `keep(position)` holds.
    public func filter(_ keep: (Int) -> Bool) -> Events { subset((0..<count).filter(keep)) }

    /// Distinct items, in first-appearance order.
    public var distinctItems: [Int32] {
        var seen = Set<Int32>(), out: [Int32] = []
        for i in items where seen.insert(i).inserted { out.append(i) }
        return out
    }
}
