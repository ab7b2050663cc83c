/// A user who rated the same movie more than once (some exports repeat lines): one rating is
/// kept per (user, movie) — the latest by timestamp, on a tie the later line — so that no
/// event counts twice in training or in evaluation.
enum DuplicateRatings {
    /// The ratings without repeats, and how many were dropped. Linear: ratings grouped by
    /// user (a counting sort), each movie marked with the last user seen rating it.
    static func merge(_ ratings: Events, users: Int, items: Int) -> (ratings: Events, merged: Int) {
        guard ratings.count > 1, ratings.count <= Int(Int32.max) else { return (ratings, 0) }
        let byUser = GroupedIndex(keys: ratings.users, values: (0..<Int32(ratings.count)).map { $0 }, groups: users)
        var markedBy = [Int32](repeating: -1, count: items), kept = [Int32](repeating: 0, count: items)
        var dropped: [Bool]? = nil, merged = 0
        for user in 0..<Int32(users) {
            for position in byUser[user] {
                let item = Int(ratings.items[Int(position)])
                guard markedBy[item] == user else {
                    markedBy[item] = user
                    kept[item] = position
                    continue
                }
                // Positions come in file order within a user, so a tie goes to this later line.
                let previous = kept[item]
                let laterWins = ratings.times[Int(position)] >= ratings.times[Int(previous)]
                if dropped == nil { dropped = [Bool](repeating: false, count: ratings.count) }
                dropped![Int(laterWins ? previous : position)] = true
                if laterWins { kept[item] = position }
                merged += 1
            }
        }
        guard let dropped else { return (ratings, 0) }
        return (ratings.filter { !dropped[$0] }, merged)
    }
}
