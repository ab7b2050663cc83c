import CKernels

/// Reorders a batch before a split step cuts it into parts of consecutive examples
/// (`GradientWorkers`), so that each item's examples fall in one part and the parts have about
/// as many distinct items as examples each. An item tower projects each distinct item of a
/// part once: on a batch in plain order a popular item lands in every part and is projected
/// in each (MovieLens-1M's popularity, 256 examples in two parts: 117 distinct items in the
/// larger part, 231 in all; grouped, 107 and 214). The items' groups go, largest first, each
/// to the part with the fewest examples so far (ties: the first such part); the parts are laid
/// out in order, each group's examples in batch order. Deterministic; one thread never groups
/// (it is the serial step). It runs between steps (on a helper thread when the next batch is
/// laid out ahead): one C pass over flat buffers (`rk_group_items`).
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

    /// Room for the kernel's scratch for a batch of n examples in `parts` parts: 5n + 1 + parts.
    private func reserve(_ n: Int, _ parts: Int) -> UnsafeMutablePointer<Int32> {
        let needed = 5 * n + 1 + parts
        if let scratch, capacity >= needed { return scratch }
        scratch?.deallocate()
        let grown = UnsafeMutablePointer<Int32>.allocate(capacity: needed)
        scratch = grown
        capacity = needed
        return grown
    }

    /// Groups a batch's columns (n examples, ids below `items`) into another pair that does not
    /// overlap them, for a batch cut into `parts` parts of n·k/parts… examples: the batch laid
    /// out and grouped in one pass from the epoch's columns (`BatchFeed`).
    func group(_ items: UnsafePointer<Int32>, _ positives: UnsafePointer<Int32>, _ n: Int,
               into outItems: UnsafeMutablePointer<Int32>, _ outPositives: UnsafeMutablePointer<Int32>, parts: Int) {
        guard n > 0 else { return }
        rk_group_items(items, positives, Int64(n), Int64(parts), groupOf.baseAddress, reserve(n, parts), outItems, outPositives)
    }
}
