import Foundation

/// Events as four growable columns a worker fills and the merge copies out; reused chunk
/// after chunk (they grow to the largest chunk seen).
final class EventColumns {
    private(set) var users: UnsafeMutablePointer<Int32>
    private(set) var items: UnsafeMutablePointer<Int32>
    private(set) var ratings: UnsafeMutablePointer<Float>
    private(set) var times: UnsafeMutablePointer<Int64>
    private var capacity = 0
    private(set) var count = 0

    init() {
        users = .allocate(capacity: 0)
        items = .allocate(capacity: 0)
        ratings = .allocate(capacity: 0)
        times = .allocate(capacity: 0)
    }

    deinit { release() }

    private func release() {
        users.deallocate()
        items.deallocate()
        ratings.deallocate()
        times.deallocate()
    }

    /// Empties the columns, with room for `n` events.
    func reset(room n: Int) {
        count = 0
        if n > capacity { resize(n) }
    }

    private func resize(_ n: Int) {
        let (u, i, r, t) = (UnsafeMutablePointer<Int32>.allocate(capacity: n), UnsafeMutablePointer<Int32>.allocate(capacity: n),
                            UnsafeMutablePointer<Float>.allocate(capacity: n), UnsafeMutablePointer<Int64>.allocate(capacity: n))
        u.update(from: users, count: count)
        i.update(from: items, count: count)
        r.update(from: ratings, count: count)
        t.update(from: times, count: count)
        release()
        (users, items, ratings, times, capacity) = (u, i, r, t, n)
    }

    @inline(__always) func append(user: Int32, item: Int32, rating: Float, time: Int) {
        if count == capacity { resize(Swift.max(1024, capacity * 2)) }
        users[count] = user
        items[count] = item
        ratings[count] = rating
        times[count] = Int64(time)
        count += 1
    }

    /// Appends the columns to `events`, users renumbered through `numbers`.
    func move(to events: inout Events, numbering numbers: UnsafeBufferPointer<Int32>) {
        for k in 0..<count { users[k] = numbers[Int(users[k])] }
        events.users.append(contentsOf: UnsafeBufferPointer(start: users, count: count))
        events.items.append(contentsOf: UnsafeBufferPointer(start: items, count: count))
        events.ratings.append(contentsOf: UnsafeBufferPointer(start: ratings, count: count))
        events.times.append(contentsOf: UnsafeBufferPointer(start: times, count: count))
    }
}

/// What a worker made of one chunk of a ratings file: its events (users numbered in the order
/// they first appear in this chunk, movies already as item indices) and, apart, those at or
/// above the positive threshold; the raw user ids behind those numbers; how many lines it
/// read and the first failure.
final class ParsedChunk {
    let all = EventColumns(), positives = EventColumns()
    /// Raw user ids, in the order of their chunk-local numbers.
    var userIds: [Int] = []
    /// Lines read (to number the lines of the chunks after this one).
    var lines = 0
    /// The first bad line (counted from the chunk's first), or a failure of the whole file.
    var failure: (line: Int?, message: String)?
    /// Where the chunk ends in the file (progress), and how many bytes it held.
    var end = 0, bytes = 0

    /// Empties the slot with room for `events` (a chunk of n bytes holds at most n / 8 + 1:
    /// the shortest event line, `1,1,1,1\n`, has 8).
    func reset(room events: Int) {
        all.reset(room: events)
        positives.reset(room: events)
        lines = 0
        bytes = 0
        failure = nil
        userIds.removeAll(keepingCapacity: true)
    }
}

/// The byte-level loop over one chunk. A plain line (`123,4567,4.5,978300760`: digits, at
/// most one decimal point in the rating, an optional `\r`) is read in one pass without a
/// String, a split or an allocation; any other line (quotes, spaces, signs, a header, long
/// ids, an error) goes to `RatingLayout.read`, the careful reading the loader always had.
/// Each worker owns one parser (its user table is its own); the item index is shared.
struct RatingChunkParser {
    let layout: RatingLayout
    let items: ItemIndex
    let users = FlatIdTable(capacity: 1 << 12)

    /// Parses `bytes` (whole lines, the last ending in `\n`) into `out`, stopping at the first
    /// bad line. `firstChunk`: its first line is the file's first (a csv header may stand there).
    /// Ratings at or above `positive` are also kept apart, in the same pass.
    func parse(_ bytes: UnsafeBufferPointer<UInt8>, firstChunk: Bool, positive: Float, into out: ParsedChunk) {
        users.removeAll()
        out.reset(room: bytes.count / 8 + 1)
        guard var p = bytes.baseAddress, !bytes.isEmpty else { return }
        let end = p + bytes.count, separator = layout.separator, doubled = layout.doubled
        var line = 0, lastUser = 0, lastIndex: Int32 = -1
        func record(_ user: Int, _ item: Int, _ rating: Float, _ time: Int) -> Bool {
            guard RatingLayout.stars.contains(rating) else {  // the careful reading checked its own lines already
                out.failure = (line, RatingLayout.offScale(rating))
                return false
            }
            guard let itemIndex = items.lookup(item) else {
                out.failure = (line, RatingLayout.unknownMovie(item))
                return false
            }
            if user != lastUser || lastIndex < 0 {  // files are mostly sorted by user: one lookup per run
                let (index, inserted) = users.intern(user, next: Int32(out.userIds.count))
                if inserted { out.userIds.append(user) }
                lastIndex = index
                lastUser = user
            }
            out.all.append(user: lastIndex, item: itemIndex, rating: rating, time: time)
            if rating >= positive { out.positives.append(user: lastIndex, item: itemIndex, rating: rating, time: time) }
            return true
        }
        while p < end {
            line += 1
            if let e = Self.plainLine(p, separator, doubled) {
                guard record(e.user, e.item, e.rating, e.time) else { return }
                p = e.next
                continue
            }
            guard let found = memchr(p, 10, p.distance(to: end)) else { break }  // never: the last byte is `\n`
            let newline = found.assumingMemoryBound(to: UInt8.self)
            var stop = UnsafePointer(newline)
            if stop > p && stop[-1] == 13 { stop -= 1 }
            if UnsafeBufferPointer(start: p, count: p.distance(to: stop)).contains(where: { $0 != 32 && $0 != 9 }) {  // not a blank line (spaces and tabs alone are blank)
                switch layout.read(Array(UnsafeBufferPointer(start: p, count: p.distance(to: stop)))[...], first: firstChunk && line == 1) {
                case .header: break
                case .failure(let message): out.failure = (line, message); return
                case let .rating(user, item, rating, time): guard record(user, item, rating, time) else { return }
                }
            }
            p = UnsafePointer(newline) + 1
        }
        out.lines = line
    }

    /// A plain line's four fields and where the next line starts, or nil for any other line.
    /// Reads stop at the line's `\n` at the latest: every byte passed is checked first.
    @inline(__always)
    static func plainLine(_ start: UnsafePointer<UInt8>, _ separator: UInt8, _ doubled: Bool)
        -> (user: Int, item: Int, rating: Float, time: Int, next: UnsafePointer<UInt8>)? {
        var p = start
        @inline(__always) func field() -> Bool {
            guard p.pointee == separator else { return false }
            p += 1
            if doubled {
                guard p.pointee == separator else { return false }
                p += 1
            }
            return true
        }
        let user = digits(&p)
        guard user.count >= 1 && user.count <= 18 && field() else { return nil }
        let item = digits(&p)
        guard item.count >= 1 && item.count <= 18 && field() else { return nil }
        let whole = digits(&p)
        var mantissa = whole.value, places = 0
        if p.pointee == UInt8(ascii: ".") {
            p += 1
            let fraction = digits(&p, after: whole.value)
            mantissa = fraction.value
            places = fraction.count
            guard places >= 1 && places <= 7 else { return nil }
        }
        // Up to 7 digits: the mantissa and 10^places are exact in Float, so one division
        // rounds correctly, as Float("4.5") does.
        guard whole.count >= 1 && whole.count + places <= 7 && field() else { return nil }
        let time = digits(&p)
        guard time.count >= 1 && time.count <= 18 else { return nil }
        if p.pointee == 13 { p += 1 }
        guard p.pointee == 10 else { return nil }
        let rating: Float
        if places == 0 {
            rating = Float(mantissa)
        } else if places == 1 && mantissa < 1000 {
            rating = tenths[mantissa]  // 3.5, 4.0: MovieLens's ratings, without a division
        } else {
            let tens = SIMD8<Float>(1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7)
            rating = Float(mantissa) / tens[places]
        }
        return (user.value, item.value, rating, time.value, p + 1)
    }

    /// m / 10 for m below 1000, each rounded as the division rounds it (4 KB, kept for good;
    /// a raw buffer so the hot loop reads it without retaining an array).
    nonisolated(unsafe) static let tenths: UnsafeBufferPointer<Float> = {
        let table = UnsafeMutableBufferPointer<Float>.allocate(capacity: 1000)
        for m in table.indices { table[m] = Float(m) / 10 }
        return UnsafeBufferPointer(table)
    }()

    /// The value of the decimal digits at `p` (wrapping past 18 of them: callers refuse those)
    /// and how many there were; `p` moves past them.
    /// With `after`, the digits continue that value (the decimals of a rating).
    @inline(__always)
    static func digits(_ p: inout UnsafePointer<UInt8>, after start: Int = 0) -> (value: Int, count: Int) {
        var value = start, q = p
        while true {
            let d = q.pointee &- 48
            if d > 9 { break }
            value = value &* 10 &+ Int(d)
            q += 1
        }
        defer { p = q }
        return (value, p.distance(to: q))
    }
}
