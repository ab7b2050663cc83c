/// A user who rated the same movie more than once (some exports repeat lines): one rating is
/// kept per (user, movie) — the latest by timestamp, on a tie the later line — so that no
/// event counts twice in training or in evaluation.
enum DuplicateRatings {
    /// The ratings without repeats, and how many were dropped. Linear: ratings visited user by
    /// user, each movie marked with the last user seen rating it. Files sorted by user (as
    /// MovieLens ships them) are visited in file order; others through a counting sort.
    static func merge(_ ratings: Events, users: Int, items: Int) -> (ratings: Events, merged: Int) {
        guard ratings.count > 1, ratings.count <= Int(Int32.max) else { return (ratings, 0) }
        var markedBy = [Int32](repeating: -1, count: items), kept = [Int32](repeating: 0, count: items)
        var dropped: [Bool]? = nil, merged = 0
        // Positions come in file order within a user, so a tie goes to the later line.
        func visit(_ position: Int32, _ user: Int32) {
            let item = Int(ratings.items[Int(position)])
            guard markedBy[item] == user else {
                markedBy[item] = user
                kept[item] = position
                return
            }
            let previous = kept[item]
            let laterWins = ratings.times[Int(position)] >= ratings.times[Int(previous)]
            if dropped == nil { dropped = [Bool](repeating: false, count: ratings.count) }
            dropped![Int(laterWins ? previous : position)] = true
            if laterWins { kept[item] = position }
            merged += 1
        }
        if groupedByUser(ratings.users) {
            for position in 0..<ratings.count { visit(Int32(position), ratings.users[position]) }
        } else {
            let byUser = GroupedIndex(keys: ratings.users, values: (0..<Int32(ratings.count)).map { $0 }, groups: users)
            for user in 0..<Int32(users) {
                for position in byUser[user] { visit(position, user) }
            }
        }
        guard let dropped else { return (ratings, 0) }
        return (ratings.filter { !dropped[$0] }, merged)
    }

    /// Whether each user's ratings stand together. Users are numbered as they first appear,
    /// so that is when the numbers never go down.
    static func groupedByUser(_ users: [Int32]) -> Bool {
        users.withUnsafeBufferPointer { u in
            var ok = true
            for k in u.indices.dropFirst() { ok = ok && u[k - 1] <= u[k] }
            return ok
        }
    }
}
