/// The gradient of an embedding table kept as its touched rows only: duplicates are summed
/// into one slot per row as they arrive (a slot map instead of a dictionary), so a sparse
/// optimizer touches each row once. Memory grows to the largest batch seen, then is reused.
public final class SparseRowGradient {
    public let width: Int
    /// slotOfRow[r] is the slot holding row r's gradient, or -1.
    private var slotOfRow: [Int32]
    /// Touched rows in first-touch order (deterministic).
    public private(set) var touchedRows: [Int32] = []
    private var values: UnsafeMutablePointer<Float>
    private var capacity: Int

    init(rows: Int, width: Int) {
        self.width = width
        slotOfRow = Array(repeating: -1, count: rows)
        capacity = 64
        values = .allocate(capacity: capacity * width)
    }

    deinit { values.deallocate() }

    public var count: Int { touchedRows.count }

    /// The gradient row held in slot `slot` (slot k belongs to touchedRows[k]).
    func row(slot: Int) -> UnsafeMutablePointer<Float> { values + slot * width }

    func add(_ indices: [Int32], _ rows: Tensor) {
        precondition(rows.rank == 2 && rows.shape[1] == width && rows.shape[0] == indices.count)
        for (k, r) in indices.enumerated() {
            var slot = Int(slotOfRow[Int(r)])
            if slot < 0 {
                slot = touchedRows.count
                if slot == capacity { grow() }
                slotOfRow[Int(r)] = Int32(slot)
                touchedRows.append(r)
                (values + slot * width).update(repeating: 0, count: width)
            }
            Kernels.add(rows.pointer + k * width, into: values + slot * width, width)
        }
    }

    private func grow() {
        let bigger = UnsafeMutablePointer<Float>.allocate(capacity: capacity * 2 * width)
        bigger.update(from: values, count: capacity * width)
        values.deallocate()
        values = bigger
        capacity *= 2
    }

    public func clear() {
        for r in touchedRows { slotOfRow[Int(r)] = -1 }
        touchedRows.removeAll(keepingCapacity: true)
    }

    /// Add the touched rows into a dense table-shaped tensor.
    func addInto(_ dense: Tensor) {
        for (slot, r) in touchedRows.enumerated() {
            Kernels.add(values + slot * width, into: dense.pointer + Int(r) * width, width)
        }
    }
}
