/// Training events as the dense 0/1 matrix the closed-form baselines (EASE, content ridge)
/// start from, after checking every id against the sizes and the size against `Limits`.
public enum Interactions {
    /// [rows, columns] with 1 where an event links them; `byItem` puts items on the rows.
    static func dense(_ train: Events, users: Int, items: Int, byItem: Bool, op: String) throws -> Tensor {
        let (rows, columns) = byItem ? (items, users) : (users, items)
        try Limits.floats([rows, columns], for: op, "the \(users) users × \(items) items interaction matrix")
        let x = Tensor(zeros: Shape(rows, columns))
        for e in 0..<train.count {
            let (u, i) = (Int(train.users[e]), Int(train.items[e]))
            try check(u: u, i: i, users: users, items: items, op: op)
            x.pointer[byItem ? i * users + u : u * items + i] = 1
        }
        return x
    }

    /// [items, users]: each item's row of training users, scaled to unit length when `unitLength`
    /// (items without events keep a zero row) — the input of a denoising autoencoder over items.
    public static func itemRows(_ train: Events, users: Int, items: Int, unitLength: Bool) throws -> Tensor {
        let x = try dense(train, users: users, items: items, byItem: true, op: "interactions")
        if unitLength { x.normalizeRows() }
        return x
    }

    static func check(u: Int, i: Int, users: Int, items: Int, op: String) throws {
        guard u >= 0, u < users else { throw ModelError(op, "user \(u) is out of range (\(users) users)") }
        guard i >= 0, i < items else { throw ModelError(op, "item \(i) is out of range (\(items) items)") }
    }

    /// Each row's (column, event count) pairs in compressed rows, columns ascending: what ALS
    /// solves row by row. `byItem` makes items the rows.
    static func grouped(_ train: Events, users: Int, items: Int, byItem: Bool, op: String) throws
        -> (starts: [Int], columns: [Int32], counts: [Float]) {
        let rows = byItem ? items : users
        var perRow = [[Int32]](repeating: [], count: rows)
        for e in 0..<train.count {
            let (u, i) = (Int(train.users[e]), Int(train.items[e]))
            try check(u: u, i: i, users: users, items: items, op: op)
            if byItem { perRow[i].append(Int32(u)) } else { perRow[u].append(Int32(i)) }
        }
        var starts = [0], columns: [Int32] = [], counts: [Float] = []
        for var row in perRow {
            row.sort()
            var k = 0
            while k < row.count {
                var end = k
                while end < row.count && row[end] == row[k] { end += 1 }
                columns.append(row[k]); counts.append(Float(end - k))
                k = end
            }
            starts.append(columns.count)
        }
        return (starts, columns, counts)
    }
}
