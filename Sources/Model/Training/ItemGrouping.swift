/// Reorders a batch before a split step cuts it into parts of consecutive examples
/// (`GradientWorkers`), so that each item's examples fall in one part and the parts have about
/// as many distinct items as examples each. An item tower projects each distinct item of a
/// part once: on a batch in plain order a popular item lands in every part and is projected
/// in each (MovieLens-1M's popularity, 256 examples in two parts: 117 distinct items in the
/// larger part, 231 in all; grouped, 107 and 214). The items' groups go, largest first, each
/// to the part with the fewest examples so far (ties: the first such part); the parts are laid
/// out in order, each group's examples in batch order. Deterministic; one thread never groups
/// (it is the serial step). It runs on the caller's thread between steps: flat buffers only.
public final class ItemGrouping {
    /// Per item id: its group in the batch being grouped, else -1 (reset after each batch).
    private let groupOf: UnsafeMutableBufferPointer<Int32>
    /// Scratch for a batch of up to `capacity` examples (see `reserve`).
    private var capacity = 0
    private var scratch: UnsafeMutablePointer<Int32>?

    /// For item ids 0..<items.
    public init(items: Int) {
        groupOf = .allocate(capacity: items)
        groupOf.initialize(repeating: -1)
    }

    deinit {
        groupOf.deallocate()
        scratch?.deallocate()
    }

    /// Room for a batch of n examples in `parts` parts: 7 columns of n and one of n + 2.
    private func reserve(_ n: Int, _ parts: Int) -> UnsafeMutablePointer<Int32> {
        let needed = 8 * n + 2 + parts
        if let scratch, capacity >= needed { return scratch }
        scratch?.deallocate()
        let grown = UnsafeMutablePointer<Int32>.allocate(capacity: needed)
        scratch = grown
        capacity = needed
        return grown
    }

    /// Reorders `items` and `positives` (the same batch's columns; ids below `items`) for a
    /// batch cut into `parts` parts of n·k/parts… examples.
    public func group(_ items: inout [Int32], _ positives: inout [Int32], parts: Int) {
        let n = items.count
        precondition(positives.count == n && parts >= 1)
        guard n > 0 else { return }
        let s = reserve(n, parts)
        // Columns: the batch as it came, each group's item, its size then its next position,
        // the groups by size, each group's part, the size classes' starts, the parts' fill.
        let oldItems = s, oldPositives = s + n, groupItem = s + 2 * n, next = s + 3 * n
        let bySize = s + 4 * n, partOf = s + 5 * n, sizeStarts = s + 6 * n, filled = s + 7 * n + 2
        items.withUnsafeBufferPointer { oldItems.update(from: $0.baseAddress!, count: n) }
        positives.withUnsafeBufferPointer { oldPositives.update(from: $0.baseAddress!, count: n) }
        var groups = 0
        for k in 0..<n {
            let item = Int(oldItems[k])
            var g = Int(groupOf[item])
            if g < 0 {
                g = groups
                groupOf[item] = Int32(g)
                groupItem[g] = Int32(item)
                next[g] = 0
                groups += 1
            }
            next[g] += 1
        }
        // A counting sort by size, largest first (slot n − size), stable.
        sizeStarts.update(repeating: 0, count: n + 2)
        for g in 0..<groups { sizeStarts[n - Int(next[g]) + 1] += 1 }
        for slot in 1..<(n + 2) { sizeStarts[slot] += sizeStarts[slot - 1] }
        for g in 0..<groups {
            let slot = n - Int(next[g])
            bySize[Int(sizeStarts[slot])] = Int32(g)
            sizeStarts[slot] += 1
        }
        // Each group to the part with the fewest examples so far.
        filled.update(repeating: 0, count: parts)
        for j in 0..<groups {
            let g = Int(bySize[j])
            var least = 0
            for p in 1..<parts where filled[p] < filled[least] { least = p }
            partOf[g] = Int32(least)
            filled[least] += next[g]
        }
        // Each group's first position: the parts in order, their groups largest first.
        var start: Int32 = 0
        for p in 0..<parts {
            let size = filled[p]
            filled[p] = start
            start += size
        }
        for j in 0..<groups {
            let g = Int(bySize[j]), p = Int(partOf[g]), size = next[g]
            next[g] = filled[p]
            filled[p] += size
        }
        items.withUnsafeMutableBufferPointer { outItems in
            positives.withUnsafeMutableBufferPointer { outPositives in
                for k in 0..<n {
                    let g = Int(groupOf[Int(oldItems[k])])
                    let to = Int(next[g])
                    next[g] += 1
                    outItems[to] = oldItems[k]
                    outPositives[to] = oldPositives[k]
                }
            }
        }
        for g in 0..<groups { groupOf[Int(groupItem[g])] = -1 }
    }
}
