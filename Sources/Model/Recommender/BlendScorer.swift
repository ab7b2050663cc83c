/// Several scorers mixed on one scale: each part's scores for an item are normalised over
/// the users (by rank, or to z-scores) and summed with the part's weight. Scores of different
/// methods (ALS dot products, EASE weights, a ridge's regressions) have unrelated units, so
/// adding them raw lets the widest spread win; ranks or z-scores make the weights mean what
/// they say.
public final class BlendScorer: UserScorer {
    public enum Scale: String, Sendable, CaseIterable {
        /// A user's rank among all users for the item, scaled to [0, 1]; ties share their mean rank.
        case rank
        /// (score − the item's mean over users) ÷ their standard deviation (0 when all are equal).
        case z
    }

    public let users: Int
    public let names: [String]
    public let parts: [any UserScorer]
    public let weights: [Float]
    public let scale: Scale

    public init(_ parts: [any UserScorer], names: [String], weights: [Float], scale: Scale) throws {
        guard !parts.isEmpty else { throw ModelError("blend", "needs at least one scorer") }
        guard names.count == parts.count, weights.count == parts.count else {
            throw ModelError("blend", "\(weights.count) weights for \(parts.count) scorers")
        }
        guard weights.allSatisfy({ $0.isFinite && $0 >= 0 }), weights.contains(where: { $0 > 0 }) else {
            throw ModelError("blend", "weights must be numbers ≥ 0, not all 0, got \(weights)")
        }
        if let odd = parts.firstIndex(where: { $0.users != parts[0].users }) {
            throw ModelError("blend", "\(names[odd]) ranks \(parts[odd].users) users but \(names[0]) ranks \(parts[0].users)")
        }
        users = parts[0].users
        self.names = names
        self.parts = parts
        self.weights = weights
        self.scale = scale
    }

    public func scores(items: [Int32]) throws -> Tensor {
        let out = Tensor(zeros: Shape(items.count, users))
        for (p, part) in parts.enumerated() where weights[p] > 0 {
            let s = try Self.normalised(part, names[p], items: items, scale)
            Kernels.axpy(weights[p], s.pointer, out.pointer, s.count)
        }
        return out
    }

    /// A part's scores for `items`, each row put on the common scale.
    static func normalised(_ part: any UserScorer, _ name: String, items: [Int32], _ scale: Scale) throws -> Tensor {
        let s = try part.scores(items: items), users = part.users
        guard s.shape == Shape(items.count, users) else {
            throw ModelError("blend", "\(name) gave \(s.shape) for \(items.count) items × \(users) users")
        }
        if let bad = (0..<s.count).first(where: { !s.pointer[$0].isFinite }) {
            throw ModelError("blend", "\(name) gives a non-finite score (\(s.pointer[bad])) for item \(items[bad / users]): no ranking can be read from it")
        }
        var order = [Int32](repeating: 0, count: users)
        for r in 0..<items.count {
            switch scale {
            case .rank: rankRow(s.pointer + r * users, users, &order)
            case .z: zRow(s.pointer + r * users, users)
            }
        }
        return s
    }

    /// Replaces a row by its ranks ÷ (users − 1): the lowest score 0, the highest 1, ties their mean.
    static func rankRow(_ row: UnsafeMutablePointer<Float>, _ n: Int, _ order: inout [Int32]) {
        guard n > 1 else { if n == 1 { row[0] = 0 }; return }
        for u in 0..<n { order[u] = Int32(u) }
        order.sort { row[Int($0)] < row[Int($1)] || (row[Int($0)] == row[Int($1)] && $0 < $1) }
        let scale = 1 / Float(n - 1)
        var start = 0
        while start < n {
            let value = row[Int(order[start])]
            var end = start + 1
            while end < n && row[Int(order[end])] == value { end += 1 }
            let rank = Float(start + end - 1) / 2 * scale
            for j in start..<end { row[Int(order[j])] = rank }  // values of this group are read before
            start = end
        }
    }

    /// Replaces a row by its z-scores.
    static func zRow(_ row: UnsafeMutablePointer<Float>, _ n: Int) {
        guard n > 0 else { return }
        var mean = 0.0, squares = 0.0
        for u in 0..<n { mean += Double(row[u]) }
        mean /= Double(n)
        for u in 0..<n { squares += (Double(row[u]) - mean) * (Double(row[u]) - mean) }
        let sd = (squares / Double(n)).squareRoot()
        for u in 0..<n { row[u] = sd > 0 ? Float((Double(row[u]) - mean) / sd) : 0 }
    }
}
