/// Expressions: calls with arguments bound (and misbound) from each parameter's type, members,
/// arithmetic, indexing, calls of values, literals.
extension StatementGenerator {
    /// A statement's expression and the kind it should give.
    func expression() -> (text: String, kind: FuzzKind) {
        let depth = 1 + rng.below(3)
        switch rng.below(100) {
        case 0..<70:
            let p = weighted(producers)
            let text = make(p, depth)
            return (text, Self.side(p.result, text))
        case 70..<82: return arithmetic(depth)
        case 82..<90: return (index(depth), .tensor)
        case 90..<95: return (callValue(depth), .nothing)
        default:
            let kind = pick(FuzzKind.allCases)
            return (value(kind, depth), kind)
        }
    }

    /// Which side a node is on, read from its text: a node built on the users is a user-side one.
    static func side(_ kind: FuzzKind, _ text: String) -> FuzzKind {
        kind == .node ? (text.contains("user") ? .userNode : .itemNode) : kind
    }

    /// An expression meant to give `kind` (now and then a wrong one, as users type).
    func value(_ kind: FuzzKind, _ depth: Int) -> String {
        if depth > 0 && chance(5) { return anyValue(depth - 1) }
        let names = self.names(of: [kind])
        if !names.isEmpty, chance(kind.isPlain ? 15 : 65) { return pick(names) }
        if depth > 0, let makers = producersByKind[kind], !makers.isEmpty, chance(kind.isPlain ? 10 : 70) {
            return make(weighted(makers), depth - 1)
        }
        return literal(kind, depth)
    }

    func anyValue(_ depth: Int) -> String {
        value(pick(FuzzKind.allCases.filter { $0 != .nothing && $0 != .outPath }), depth)
    }

    func make(_ p: Producer, _ depth: Int) -> String {
        switch p.source {
        case .builtin(let b):
            return b.name + "(" + arguments(b.parameters, key: b.name, free: b.freeKeywords, depth).joined(separator: ", ") + ")"
        case .member(let owner, let m):
            let target = parenthesized(value(owner, depth))
            guard let params = m.parameters, !chance(8) else { return target + "." + m.name }
            let key = owner.rawValue + "." + m.name
            return target + "." + m.name + "(" + arguments(params, key: key, free: false, depth).joined(separator: ", ") + ")"
        }
    }

    func parenthesized(_ e: String) -> String {
        e.first.map { $0.isLetter || $0 == "_" } == true && !e.contains(" ") ? e : "(" + e + ")"
    }

    /// Arguments for `params`: required ones mostly given, optional ones sometimes, positional
    /// ones by keyword now and then; then a perturbation (unknown or repeated keywords, extra
    /// or missing arguments, a shuffled order).
    func arguments(_ params: [Parameter], key: String, free: Bool, _ depth: Int) -> [String] {
        var args: [String] = [], byKeyword = false
        let work = FuzzTypes.costly.contains(key) ? FuzzTypes.workParameters : [:]
        for p in params {
            guard p.isRequired ? !chance(4) : chance(work[p.name] == nil ? 35 : 90) else {
                if !p.keywordOnly { byKeyword = true }
                continue
            }
            let small = work[p.name].flatMap { chance(85) ? pick($0) : nil }
            let v = small ?? argument(p, key: key + "." + p.name, depth)
            if p.keywordOnly || byKeyword || chance(12) {
                byKeyword = true
                args.append(p.name + ": " + v)
            } else {
                args.append(v)
            }
        }
        if free { args += key == "grid" || key == "random_grid" ? settings(depth) : compared(depth) }
        return perturb(args, params, depth)
    }

    func perturb(_ args: [String], _ params: [Parameter], _ depth: Int) -> [String] {
        var args = args
        switch rng.below(100) {
        case 0..<3: args.append(misspelled(params) + ": " + anyValue(depth))
        case 3..<5: if let k = args.last(where: { $0.contains(": ") }) { args.append(k) }
        case 5..<7: args.append(anyValue(depth))
        case 7..<9: args.insert(anyValue(depth), at: 0)
        case 9: args.removeAll()
        case 10: if !args.isEmpty { args.remove(at: rng.below(args.count)) }
        case 11: rng.shuffle(&args)
        default: break
        }
        return args
    }

    func misspelled(_ params: [Parameter]) -> String {
        guard let p = params.isEmpty ? nil : pick(params), chance(60) else { return pick(["dims", "epoch", "x", "lr", "_", "seed", "into"]) }
        return chance(50) ? String(p.name.dropLast()) : p.name + "s"
    }

    func argument(_ p: Parameter, key: String, _ depth: Int) -> String {
        if let hints = FuzzTypes.pathHints[key], chance(50) { return "\"" + pick(hints) + "\"" }
        if FuzzTypes.writes.contains(key) { return chance(90) ? FuzzValues.path(rng, write: true) : anyValue(depth) }
        let parsed = typeCache[p.type] ?? FuzzTypes.parse(p.type)
        typeCache[p.type] = parsed
        if !parsed.choices.isEmpty, chance(75) {
            let c = pick(parsed.choices)
            return chance(90) ? "\"" + c + "\"" : "\"" + pick([c.uppercased(), c + "x", "", " " + c, String(c.dropFirst())]) + "\""
        }
        guard !parsed.kinds.isEmpty else { return anyValue(depth) }
        // A single value to back-propagate from: usually a sum of something.
        if p.type.hasPrefix("single-value"), chance(60) { return pick(["sum(", "mean("]) + value(.tensor, depth) + ")" }
        return value(pick(parsed.kinds), depth)
    }

    func arithmetic(_ depth: Int) -> (text: String, kind: FuzzKind) {
        let pairs: [(FuzzKind, FuzzKind)] = [(.number, .number), (.tensor, .tensor), (.tensor, .number), (.number, .tensor),
                                            (.itemNode, .itemNode), (.userNode, .userNode), (.loss, .loss), (.loss, .number), (.list, .number), (.string, .string),
                                            (pick(FuzzKind.allCases), pick(FuzzKind.allCases))]
        let (ka, kb) = pick(pairs)
        let a = parenthesized(value(ka, depth)), b = parenthesized(value(kb, depth))
        let kind: FuzzKind = [ka, kb].contains(.tensor) ? .tensor : [ka, kb].contains(.loss) ? .loss
            : [.node, .itemNode, .userNode].contains(ka) ? ka : .number
        if chance(10) { return ("-" + a, ka) }
        return (a + pick([" + ", " - ", " * ", " / ", " @ "]) + b, kind)
    }

    func index(_ depth: Int) -> String {
        let target = parenthesized(value(pick([.tensor, .list, .tensor, .list, .string, .dataset]), depth))
        let i = { self.chance(70) ? self.pick(["0", "1", "-1", "2", "-2", "3"]) : self.value(.whole, depth) }
        switch rng.below(5) {
        case 0: return target + "[" + i() + ":" + i() + "]"
        case 1: return target + "[:" + i() + "]"
        case 2: return target + "[" + i() + ":]"
        case 3: return target + "[:]"
        default: return target + "[" + i() + "]"
        }
    }

    /// Calls of values: a builtin or a method bound to a name, or things that cannot be called.
    func callValue(_ depth: Int) -> String {
        let callee = chance(60) ? parenthesized(value(pick([.builtin, .method, .function, .function]), depth)) : parenthesized(anyValue(depth))
        return callee + "(" + (0..<rng.below(3)).map { _ in anyValue(Swift.max(0, depth - 1)) }.joined(separator: ", ") + ")"
    }

    func literal(_ kind: FuzzKind, _ depth: Int) -> String {
        switch kind {
        case .number: return FuzzValues.number(rng, edges)
        case .whole: return FuzzValues.whole(rng, edges)
        case .fraction: return FuzzValues.fraction(rng, edges)
        case .string: return FuzzValues.string(rng)
        case .bool: return chance(50) ? "true" : "false"
        case .path: return FuzzValues.path(rng, write: false)
        case .outPath: return FuzzValues.path(rng, write: true)
        case .list: return "[" + (0..<rng.below(5)).map { _ in depth > 0 ? anyValue(depth - 1) : FuzzValues.number(rng, edges) }.joined(separator: ", ") + "]"
        case .shape: return shape()
        case .literal: return nested()
        case .builtin: return pick(registry.builtins.keys.sorted())
        case .method: return pick(["ml.title", "ml.split", "split.save", "wv.oov"])
        case .function: return function(depth)
        default:
            let all = pool.values.flatMap { $0 }.sorted()
            return all.isEmpty ? FuzzValues.number(rng, edges) : pick(all)
        }
    }

    /// A shape: a few sizes, small ones mostly, some at the edges; or not a list of sizes at all.
    func shape() -> String {
        switch rng.below(20) {
        case 0: return FuzzValues.whole(rng, edges)
        case 1: return pick(["[]", "[[2]]", "[\"a\"]", "[-1]", "[1e9, 1e9]", "[0, 0]", "[2.5]", "[" + FuzzValues.nan + "]"])
        default: return "[" + (0..<(1 + rng.below(3))).map { _ in FuzzValues.whole(rng, edges, edge: 8) }.joined(separator: ", ") + "]"
        }
    }

    /// Nested lists of numbers: regular, ragged, with a wrong element, with edge numbers.
    func nested() -> String {
        if chance(15) { return FuzzValues.number(rng, edges) }
        let dims = (0..<(1 + rng.below(3))).map { _ in chance(8) ? 0 : 1 + rng.below(4) }
        return block(dims[...], ragged: chance(10))
    }

    func block(_ dims: ArraySlice<Int>, ragged: Bool) -> String {
        guard let n = dims.first else { return chance(3) ? anyValue(0) : FuzzValues.number(rng, edges, edge: 10) }
        let count = ragged && chance(30) ? rng.below(n + 2) : n
        return "[" + (0..<count).map { _ in block(dims.dropFirst(), ragged: ragged) }.joined(separator: ", ") + "]"
    }
}
