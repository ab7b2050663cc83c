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

    /// These events, then another set's.
    public func followed(by other: Events) -> Events {
        var e = self
        e.users += other.users
        e.items += other.items
        e.ratings += other.ratings
        e.times += other.times
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
