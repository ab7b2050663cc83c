/// One scorer from several, each scoring the items of one event-count group: warm and cold
/// (items with training events by one scorer, items without by another — a model chosen for each
/// part on its own validation, used as one), or a blend whose weights were chosen per group.
/// Ranking is per item, so a row from any scorer ranks the users as that scorer would.
public final class RoutedScorer: UserScorer {
    public let users: Int
    public let scorers: [any UserScorer]      // one per group
    public let groups: EventCountGroups

    public init(_ scorers: [any UserScorer], groups: EventCountGroups) throws {
        guard scorers.count == groups.count else {
            throw ModelError("route", "\(scorers.count) scorers for \(groups.count) groups of items")
        }
        if let odd = scorers.first(where: { $0.users != scorers[0].users }) {
            throw ModelError("route", "one scorer ranks \(odd.users) users but another \(scorers[0].users)")
        }
        (users, self.scorers, self.groups) = (scorers[0].users, scorers, groups)
    }

    /// Items with training events scored by `warm`, the rest by `cold`.
    public convenience init(warm: any UserScorer, cold: any UserScorer, train: Events) throws {
        guard warm.users == cold.users else {
            throw ModelError("route", "the warm scorer ranks \(warm.users) users but the cold one \(cold.users)")
        }
        try self.init([cold, warm], groups: EventCountGroups(bounds: [1], train: train))
    }

    public var warm: any UserScorer { scorers[scorers.count - 1] }
    public var cold: any UserScorer { scorers[0] }

    public func scores(items: [Int32]) throws -> Tensor {
        var rows = [[Int]](repeating: [], count: scorers.count)
        for (r, i) in items.enumerated() {
            guard i >= 0 else { throw ModelError("route", "item \(i) is out of range") }
            rows[groups.group(of: i)].append(r)
        }
        let out = Tensor(zeros: Shape(items.count, users))
        for (scorer, picked) in zip(scorers, rows) where !picked.isEmpty {
            let s = try scorer.scores(items: picked.map { items[$0] })
            for (k, r) in picked.enumerated() { (out.pointer + r * users).update(from: s.pointer + k * users, count: users) }
        }
        return out
    }
}
