/// One scorer from two: items with training events (warm) are scored by one scorer, items
/// without (cold) by another — a model chosen for each part on its own validation, used as one.
/// Ranking is per item, so a row from either side ranks the users as that side would.
public final class RoutedScorer: UserScorer {
    public let users: Int
    public let warm: any UserScorer
    public let cold: any UserScorer
    private let trained: [Bool]      // item → has training events (items past its end have none)

    public init(warm: any UserScorer, cold: any UserScorer, train: Events) throws {
        guard warm.users == cold.users else {
            throw ModelError("route", "the warm scorer ranks \(warm.users) users but the cold one \(cold.users)")
        }
        guard train.items.allSatisfy({ $0 >= 0 }) else { throw ModelError("route", "training events hold a negative item id") }
        var trained = [Bool](repeating: false, count: Int(train.items.max() ?? -1) + 1)
        for i in train.items { trained[Int(i)] = true }
        (users, self.warm, self.cold, self.trained) = (warm.users, warm, cold, trained)
    }

    public func scores(items: [Int32]) throws -> Tensor {
        var rows: (warm: [Int], cold: [Int]) = ([], [])
        for (r, i) in items.enumerated() {
            guard i >= 0 else { throw ModelError("route", "item \(i) is out of range") }
            if Int(i) < trained.count && trained[Int(i)] { rows.warm.append(r) } else { rows.cold.append(r) }
        }
        let out = Tensor(zeros: Shape(items.count, users))
        for (scorer, picked) in [(warm, rows.warm), (cold, rows.cold)] where !picked.isEmpty {
            let s = try scorer.scores(items: picked.map { items[$0] })
            for (k, r) in picked.enumerated() { (out.pointer + r * users).update(from: s.pointer + k * users, count: users) }
        }
        return out
    }
}
