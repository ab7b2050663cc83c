/// Functions of the language (`(dim = 8, drop) -> bpr(…)`), the recipes and search spaces that
/// `sweep` takes, and the free keywords of `compare`, `best_of`, `grid` and `random_grid`.
extension StatementGenerator {
    static let parameterNames = ["dim", "drop", "x", "y", "lr", "width", "n", "batch", "epochs"]

    /// A function literal: up to three parameters (some with defaults, names sometimes
    /// repeated), its body a recipe built on them, arithmetic, a function it returns, a call
    /// of a bound function, or any value.
    func function(_ depth: Int) -> String {
        var declared: [String] = []
        let params = (0..<rng.below(4)).map { _ -> String in
            let name = pick(Self.parameterNames)
            declared.append(name)
            guard chance(50) else { return name }
            return name + " = " + (chance(80) ? pick(["2", "4", "8", "0", "0.1", "0.5"]) : FuzzValues.number(rng, edges))
        }
        let head = "(" + params.joined(separator: ", ") + ") -> "
        let some = { declared.isEmpty ? self.pick(["4", "0.2"]) : self.pick(declared) }
        let functions = names(of: [.function])
        switch rng.below(7) {
        case 0, 1, 2: return head + recipe(some(), some(), depth)
        case 3: return head + some() + pick([" * 2", " + 1", " / 0", " @ t", ""])
        case 4: return head + "(z) -> " + some() + " + z"
        case 5: return head + (functions.isEmpty ? "f" : pick(functions)) + "(" + some() + ")"
        default: return head + anyValue(Swift.max(0, depth - 1))
        }
    }

    /// A loss built on a width `d` and a dropout rate `r` (names or numbers), as sweep recipes are.
    func recipe(_ d: String, _ r: String, _ depth: Int) -> String {
        switch rng.below(6) {
        case 0: return "bpr(dot(embedding(ml.users, \(d)), embedding(ml.items, \(d), dropout: \(r))))"
        case 1: return "listwise(dot(embedding(users, \(d)), dense(item, \(d), act: \"relu\")), negatives: 4)"
        case 2: return "wmse(dot(user, dropout(item, \(r))))"
        case 3: return "bpr(dot(embedding(ml.users, \(d)), concat(embedding(ml.items, \(d)), content(text))))"
        case 4: return "bpr(score, negatives: \(d))"
        default: return value(.loss, depth)
        }
    }

    /// `name: score` pairs for `compare` and `best_of`.
    func compared(_ depth: Int) -> [String] {
        (0..<rng.below(4)).map { _ in
            pick(["a", "b", "hybrid", "a", "on", "k", "x_1"]) + ": " + value(pick([.score, .baseline, .score, .number]), depth)
        }
    }

    /// `name: [values]` settings for `grid` and `random_grid`: a few short lists mostly; now
    /// and then many axes, long or empty lists, or values that are not settings.
    func settings(_ depth: Int) -> [String] {
        let axes = chance(3) ? 16 + rng.below(60) : rng.below(4)
        return (0..<axes).map { k in
            let name = axes > 8 ? "a\(k)" : pick(Self.parameterNames)
            let count = chance(5) ? pick([0, 200, 20_000]) : 1 + rng.below(3)
            let values = (0..<count).map { _ in chance(90) ? pick(["1", "2", "4", "8", "0", "0.1", "0.3", "\"adam\"", "true"]) : anyValue(0) }
            return name + ": " + (chance(5) ? anyValue(depth) : "[" + values.joined(separator: ", ") + "]")
        }
    }
}
