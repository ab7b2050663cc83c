import CKernels

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

    /// The touched list in place (nil when empty), valid until rows are added or cleared: for
    /// another thread to read during a split step's update (`PartedUpdate`).
    var touchedBase: UnsafePointer<Int32>? { touchedRows.withUnsafeBufferPointer { $0.baseAddress } }

    /// The slot holding row `row`'s gradient, or -1 when the row was not touched.
    func slot(of row: Int32) -> Int { Int(slotOfRow[Int(row)]) }

    /// The gradient row held in slot `slot` (slot k belongs to touchedRows[k]).
    func row(slot: Int) -> UnsafeMutablePointer<Float> { values + slot * width }

    func add(_ indices: [Int32], _ rows: Tensor) {
        precondition(rows.rank == 2 && rows.shape[1] == width && rows.shape[0] == indices.count)
        add(indices, rows: rows.pointer)
    }

    /// Adds `other`'s rows (another part's gradient of the same table) in its touch order.
    func add(_ other: SparseRowGradient) {
        precondition(other.width == width)
        add(other.touchedRows, rows: other.values)
    }

    /// Adds row k of `rows` (indices.count rows of `width`) to the gradient of row indices[k].
    private func add(_ indices: [Int32], rows: UnsafePointer<Float>) {
        assert(!slotsCleared, "rows added between clearSlots and clear")
        // One C pass: a first touch copies the row into a new slot (no zeroing then adding),
        // a repeat adds into its slot. The touched list gets room first, then its true length.
        let touched = touchedRows.count
        if touched + indices.count > capacity { grow(to: touched + indices.count) }
        touchedRows.append(contentsOf: repeatElement(0, count: indices.count))
        let values = self.values, w = Int64(width)
        let now = slotOfRow.withUnsafeMutableBufferPointer { slotOf in
            touchedRows.withUnsafeMutableBufferPointer { list in
                indices.withUnsafeBufferPointer { ids in
                    rk_sparse_rows_add(slotOf.baseAddress, list.baseAddress, Int64(touched), values,
                                       ids.baseAddress, rows, Int64(ids.count), w)
                }
            }
        }
        touchedRows.removeLast(touched + indices.count - Int(now))
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
        clearSlots()
        slotsCleared = false
        touchedRows.removeAll(keepingCapacity: true)
    }

    /// Whether `clearSlots` has run since the rows were last cleared.
    private var slotsCleared = false

    /// The first half of `clear`: forgets which slot holds which row, keeping the touched rows
    /// and their gradients readable. A split step's piece does it for its own part's table as
    /// soon as it has stepped its rows, on the thread whose cache holds the slot map (the other
    /// pieces still read the rows); `clear` then only empties the list. Nothing is added between.
    func clearSlots() {
        // Through a buffer: each write to the stored array in the loop paid a uniqueness check.
        if !slotsCleared {
            touchedRows.withUnsafeBufferPointer { rows in
                slotOfRow.withUnsafeMutableBufferPointer { slotOf in for r in rows { slotOf[Int(r)] = -1 } }
            }
        }
        slotsCleared = true
    }

    /// Add the touched rows into a dense table-shaped tensor.
    func addInto(_ dense: Tensor) {
        for (slot, r) in touchedRows.enumerated() {
            Kernels.add(values + slot * width, into: dense.pointer + Int(r) * width, width)
        }
    }
}
