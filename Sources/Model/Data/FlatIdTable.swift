/// 64-bit ids to small indices in one flat open-addressing table (linear probing), for the
/// loader's inner loop where a Swift Dictionary per event would cost more than the parsing.
/// Not thread-safe: each parsing worker has its own, and lookups into a shared one only read.
final class FlatIdTable {
    private var keys: UnsafeMutablePointer<Int>
    private var values: UnsafeMutablePointer<Int32>  // -1: empty slot
    private var capacity: Int
    private var shift: Int
    private(set) var count = 0
    /// Slots filled since the last `removeAll`, so clearing costs what was filled.
    private var filled: [Int32] = []

    init(capacity wanted: Int = 1024) {
        var c = 16
        while c < wanted * 2 { c <<= 1 }
        capacity = c
        shift = 64 - c.trailingZeroBitCount
        keys = .allocate(capacity: c)
        values = .allocate(capacity: c)
        values.initialize(repeating: -1, count: c)
    }

    deinit {
        keys.deallocate()
        values.deallocate()
    }

    @inline(__always) private func home(_ id: Int) -> Int {
        Int(truncatingIfNeeded: (UInt64(bitPattern: Int64(id)) &* 0x9E37_79B9_7F4A_7C15) >> UInt64(shift))
    }

    /// The index stored for `id`, or nil.
    @inline(__always) func lookup(_ id: Int) -> Int32? {
        var slot = home(id)
        while true {
            let v = values[slot]
            if v < 0 { return nil }
            if keys[slot] == id { return v }
            slot = (slot + 1) & (capacity - 1)
        }
    }

    /// The index of `id`; when absent, stores `next` for it and returns (next, true).
    @discardableResult
    @inline(__always) func intern(_ id: Int, next: Int32) -> (index: Int32, inserted: Bool) {
        var slot = home(id)
        while true {
            let v = values[slot]
            if v < 0 { break }
            if keys[slot] == id { return (v, false) }
            slot = (slot + 1) & (capacity - 1)
        }
        keys[slot] = id
        values[slot] = next
        filled.append(Int32(slot))
        count += 1
        if count * 2 > capacity { grow() }
        return (next, true)
    }

    /// Empties the table, keeping its size (a worker reuses it chunk after chunk).
    func removeAll() {
        if filled.count * 8 > capacity {
            values.update(repeating: -1, count: capacity)
        } else {
            for slot in filled { values[Int(slot)] = -1 }
        }
        filled.removeAll(keepingCapacity: true)
        count = 0
    }

    private func grow() {
        let oldKeys = keys, oldValues = values, oldCapacity = capacity
        capacity *= 2
        shift -= 1
        keys = .allocate(capacity: capacity)
        values = .allocate(capacity: capacity)
        values.initialize(repeating: -1, count: capacity)
        filled.removeAll(keepingCapacity: true)
        for slot in 0..<oldCapacity where oldValues[slot] >= 0 {
            var s = home(oldKeys[slot])
            while values[s] >= 0 { s = (s + 1) & (capacity - 1) }
            keys[s] = oldKeys[slot]
            values[s] = oldValues[slot]
            filled.append(Int32(s))
        }
        oldKeys.deallocate()
        oldValues.deallocate()
    }
}

/// Movie ids to item indices for the ratings loop: a direct array when the ids are small
/// enough (every MovieLens release: ids below a few hundred thousand), else a flat table.
struct ItemIndex: @unchecked Sendable {  // read-only once built, shared by the parsing workers
    private let direct: [Int32]
    private let table: FlatIdTable?

    init(_ items: IdMap) {
        let largest = items.ids.max() ?? 0
        if items.ids.allSatisfy({ $0 >= 0 }) && largest < Swift.max(1 << 16, 8 * items.count) {
            var d = [Int32](repeating: -1, count: largest + 1)
            for (k, id) in items.ids.enumerated() { d[id] = Int32(k) }
            direct = d
            table = nil
        } else {
            let t = FlatIdTable(capacity: items.count)
            for (k, id) in items.ids.enumerated() { t.intern(id, next: Int32(k)) }
            direct = []
            table = t
        }
    }

    @inline(__always) func lookup(_ id: Int) -> Int32? {
        if let table { return table.lookup(id) }
        guard id >= 0 && id < direct.count else { return nil }
        let v = direct[id]
        return v < 0 ? nil : v
    }
}
