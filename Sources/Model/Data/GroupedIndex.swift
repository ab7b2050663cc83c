/// Values grouped by a small integer key (a counting sort: one offsets array, no
/// dictionary): event positions by item, users by item, items by user.
public struct GroupedIndex<Value>: Sendable where Value: Sendable {
    private let offsets: [Int]
    private let values: [Value]

    /// `keys[k]` is the group of `values[k]`; keys run over 0..<groups.
    public init(keys: [Int32], values: [Value], groups: Int) {
        precondition(keys.count == values.count)
        var counts = [Int](repeating: 0, count: groups + 1)
        for k in keys { counts[Int(k) + 1] += 1 }
        for g in 0..<groups { counts[g + 1] += counts[g] }
        var next = counts
        var sorted = values  // every slot is overwritten below
        for (k, key) in keys.enumerated() {
            sorted[next[Int(key)]] = values[k]
            next[Int(key)] += 1
        }
        offsets = counts
        self.values = sorted
    }

    public func count(_ key: Int32) -> Int { offsets[Int(key) + 1] - offsets[Int(key)] }
    public subscript(key: Int32) -> ArraySlice<Value> { values[offsets[Int(key)]..<offsets[Int(key) + 1]] }
}
