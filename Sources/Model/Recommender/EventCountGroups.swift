/// Items grouped by how many training events they have: with bounds b₁ < b₂ < …, group 0 holds
/// the items with fewer than b₁ events (cold items among them), group g those with b_g to
/// b_{g+1} − 1, the last those with b_last or more. Warm and cold is bounds [1]. A method's
/// strength moves with an item's events (content carries items with few, co-occurrence those
/// with many), so a blend may choose its weights per group.
public struct EventCountGroups: Sendable {
    public let bounds: [Int]
    private let groupOfItem: [Int32]      // item → its group (items past the end have no events: group 0)

    public init(bounds: [Int], train: Events) throws {
        guard bounds.allSatisfy({ $0 >= 1 }), zip(bounds.dropFirst(), bounds).allSatisfy({ $0 > $1 }) else {
            throw ModelError("groups", "event-count bounds must be whole numbers ≥ 1 in increasing order, got \(bounds)")
        }
        guard train.items.allSatisfy({ $0 >= 0 }) else { throw ModelError("groups", "training events hold a negative item id") }
        var counts = [Int](repeating: 0, count: Int(train.items.max() ?? -1) + 1)
        for i in train.items { counts[Int(i)] += 1 }
        self.bounds = bounds
        groupOfItem = counts.map { c in Int32(bounds.firstIndex { c < $0 } ?? bounds.count) }
    }

    public var count: Int { bounds.count + 1 }

    public func group(of item: Int32) -> Int { item >= 0 && Int(item) < groupOfItem.count ? Int(groupOfItem[Int(item)]) : 0 }

    /// The events whose item is in group `g`.
    public func events(_ events: Events, inGroup g: Int) -> Events { events.filter { group(of: events.items[$0]) == g } }

    /// "1–9 training events" and the like, for notes.
    public func describe(_ g: Int) -> String {
        let low = g == 0 ? 0 : bounds[g - 1]
        if g == bounds.count { return "\(low) or more training events" }
        let high = bounds[g] - 1
        return low == high ? "\(low) training event\(low == 1 ? "" : "s")" : "\(low)–\(high) training events"
    }
}
