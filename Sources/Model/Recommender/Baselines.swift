/// Users ranked by their training activity, whatever the item (a strong baseline here:
/// heavy users like many movies).
public final class PopularityScorer: UserScorer {
    public let users: Int
    private let activity: [Float]

    public init(train: Events, users: Int) {
        self.users = users
        var a = [Float](repeating: 0, count: users)
        for u in train.users { a[Int(u)] += 1 }
        activity = a
    }

    public func scores(items: [Int32]) throws -> Tensor {
        let t = Tensor(uninitialized: Shape(items.count, users))
        for r in 0..<items.count { activity.withUnsafeBufferPointer { (t.pointer + r * users).update(from: $0.baseAddress!, count: users) } }
        return t
    }
}

/// Random scores (seeded by item, so the same item always gets the same ranking).
public final class RandomScorer: UserScorer {
    public let users: Int
    public let seed: UInt64

    public init(users: Int, seed: UInt64) {
        self.users = users
        self.seed = seed
    }

    public func scores(items: [Int32]) throws -> Tensor {
        let t = Tensor(uninitialized: Shape(items.count, users))
        for (r, item) in items.enumerated() {
            let rng = RandomSource(seed: seed &+ UInt64(item) &* 0x9E37_79B9_7F4A_7C15)
            rng.fillUniform(t.pointer + r * users, count: users, low: 0, high: 1)
        }
        return t
    }
}

/// Content kNN: a user's score for an item is the *sum* of the item's content (plot)
/// similarities to the items the user liked in training — the mean would favour users with
/// few, narrow likes. Cosine similarity of content rows; two matrix products per tile.
public final class ContentKNNScorer: UserScorer {
    public let users: Int
    private let unit: Tensor        // [items, d], rows L2-normalised
    private let likes: Tensor       // [items, users], 1 where the user liked the item in training

    public init(content: Tensor, train: Events, users: Int) throws {
        guard content.rank == 2 else { throw ModelError("content kNN", "needs a [items, dim] content matrix, got \(content.shape)") }
        self.users = users
        let n = content.shape[0]
        unit = content.copy()
        unit.normalizeRows()
        likes = Tensor(zeros: Shape(n, users))
        for e in 0..<train.count {
            guard Int(train.items[e]) < n else { throw ModelError("content kNN", "item \(train.items[e]) has no content row (\(n) rows)") }
            likes.pointer[Int(train.items[e]) * users + Int(train.users[e])] = 1
        }
    }

    public func scores(items: [Int32]) throws -> Tensor {
        let q = try unit.gatherRows(items)
        let sims = try q.matmul(unit, transposeOther: true)
        // An item is not its own neighbour (it is absent from training anyway when cold).
        for (r, i) in items.enumerated() { sims.pointer[r * unit.shape[0] + Int(i)] = 0 }
        return try sims.matmul(likes)
    }
}
