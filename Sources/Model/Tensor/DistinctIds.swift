/// The distinct ids of a batch in first-occurrence order, and for each position the index of
/// its id among them: ids[k] == distinct[inverse[k]]. Work that depends on the id alone (a
/// content row and its projection) then runs once per distinct id and is spread back with a
/// gather. A marker array the size of the id range is reused between batches (no dictionary).
public final class DistinctIds {
    private var slotOf: [Int32]
    public private(set) var distinct: [Int32] = []
    public private(set) var inverse: [Int32] = []

    public init(idCount: Int) { slotOf = Array(repeating: -1, count: idCount) }

    /// Fills `distinct` and `inverse` for `ids`; returns whether some id repeats. An id out of
    /// range returns false and leaves the lists empty: the caller's ordinary path then reports it.
    @discardableResult
    public func update(_ ids: [Int32]) -> Bool {
        // The lists are worked on as locals (each access to a class's stored array in the loop
        // would pay an exclusivity check), then put back.
        var distinct: [Int32] = [], inverse: [Int32] = []
        swap(&distinct, &self.distinct)
        swap(&inverse, &self.inverse)
        defer { swap(&distinct, &self.distinct); swap(&inverse, &self.inverse) }
        distinct.removeAll(keepingCapacity: true)
        inverse.removeAll(keepingCapacity: true)
        guard ids.withUnsafeBufferPointer({ Tensor.indicesFit($0, rows: slotOf.count) }) else { return false }
        // Both lists get room for every id first and are written through buffers (an append
        // per id checked capacity and uniqueness each time); `distinct` is cut to its length after.
        inverse.append(contentsOf: repeatElement(0, count: ids.count))
        distinct.append(contentsOf: repeatElement(0, count: ids.count))
        var found = 0
        slotOf.withUnsafeMutableBufferPointer { slot in
            distinct.withUnsafeMutableBufferPointer { distinct in
                inverse.withUnsafeMutableBufferPointer { inverse in
                    for (k, id) in ids.enumerated() {
                        let i = Int(id)
                        if slot[i] < 0 {
                            slot[i] = Int32(found)
                            distinct[found] = id
                            found += 1
                        }
                        inverse[k] = slot[i]
                    }
                    for id in distinct[..<found] { slot[Int(id)] = -1 }
                }
            }
        }
        distinct.removeLast(ids.count - found)
        return found < ids.count
    }
}
