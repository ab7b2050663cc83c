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
        let w = width
        // Stored properties are read once into locals: each access in the loop would pay an
        // exclusivity check. A first touch copies the row instead of zeroing then adding.
        var touched = touchedRows.count
        if touched + indices.count > capacity { grow(to: touched + indices.count) }
        let values = self.values
        touchedRows.reserveCapacity(touched + indices.count)
        slotOfRow.withUnsafeMutableBufferPointer { slotOf in
            for (k, r) in indices.enumerated() {
                let slot = Int(slotOf[Int(r)])
                if slot < 0 {
                    slotOf[Int(r)] = Int32(touched)
                    touchedRows.append(r)
                    (values + touched * w).update(from: rows.pointer + k * w, count: w)
                    touched += 1
                } else {
                    Kernels.add(rows.pointer + k * w, into: values + slot * w, w)
                }
            }
        }
    }

    private func grow(to rows: Int) {
        var bigger = capacity
        while bigger < rows { bigger *= 2 }
        let grown = UnsafeMutablePointer<Float>.allocate(capacity: bigger * width)
        grown.update(from: values, count: touchedRows.count * width)
        values.deallocate()
        values = grown
        capacity = bigger
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
