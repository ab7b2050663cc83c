import Model

/// Statements of the language made from the real registry: calls to every builtin with its
/// parameters and keywords, members of every object type, arithmetic, indexing, values at the
/// edges, wrong types, deep nesting, token soup and mutations of valid statements. Statements
/// that assign put their name in a pool by the kind they should give, so later statements use
/// them. Deterministic: the same seed gives the same statements.
public final class StatementGenerator {
    /// A way to make a value: a builtin call, or a member of an object of kind `owner`.
    struct Producer {
        enum Source { case builtin(Builtin), member(owner: FuzzKind, Member) }
        let source: Source
        let result: FuzzKind
        let weight: Int
        var key: String {
            switch source {
            case .builtin(let b): return b.name
            case .member(let owner, let m): return owner.rawValue + "." + m.name
            }
        }
    }

    /// Failure classes a run can leave out, to look for others while they are being fixed:
    /// nesting deeper than 20 levels, sizes and counts above 1e5, and `threads`.
    public enum KnownClass: String, CaseIterable, Sendable { case nesting, sizes, threads }

    let rng: RandomSource
    let leaveOut: Set<KnownClass>
    let edges: [String]
    let registry: Registry
    let producers: [Producer]
    let producersByKind: [FuzzKind: [Producer]]
    var pool: [FuzzKind: [String]] = [:]
    var generatedNames = 0
    var typeCache: [String: (kinds: [FuzzKind], choices: [String])] = [:]
    /// How many `vN` names statements bind before they reuse one.
    static let namePool = 24

    public init(seed: UInt64, prelude: FuzzPrelude = .standard, leaveOut: Set<KnownClass> = []) {
        rng = RandomSource(seed: seed)
        registry = Registry.standard
        self.leaveOut = leaveOut
        edges = leaveOut.contains(.sizes) ? FuzzValues.moderateEdges : FuzzValues.edgeNumbers
        producers = Self.producers(of: registry).filter { !(leaveOut.contains(.threads) && $0.key == "threads") }
        let direct = Dictionary(grouping: producers, by: \.result)
        producersByKind = Dictionary(uniqueKeysWithValues: FuzzKind.allCases.map { k in
            (k, ([k] + k.parts).flatMap { direct[$0] ?? [] })
        })
        for e in prelude.entries {
            if let name = e.name, let kind = e.kind { pool[kind, default: []].append(name) }
        }
    }

    static func producers(of registry: Registry) -> [Producer] {
        var out: [Producer] = []
        for b in registry.builtins.values.sorted(by: { $0.name < $1.name }) {
            let weight = FuzzTypes.costly.contains(b.name) ? 1 : 10
            out.append(Producer(source: .builtin(b), result: FuzzTypes.builtinResults[b.name] ?? .nothing, weight: weight))
        }
        for (type, members) in registry.members.sorted(by: { $0.key < $1.key }) {
            guard let owner = FuzzKind(rawValue: type) else { continue }
            for m in members.values.sorted(by: { $0.name < $1.name }) {
                let key = type + "." + m.name
                out.append(Producer(source: .member(owner: owner, m), result: FuzzTypes.memberResults[key] ?? .nothing,
                                    weight: FuzzTypes.costly.contains(key) ? 1 : 10))
            }
        }
        return out
    }

    /// `n` statements (each complete: a reader ends it at its last line).
    public func batch(_ n: Int) -> [String] { (0..<n).map { _ in next() } }

    public func next() -> String {
        switch rng.below(1000) {
        case 0..<10: return FuzzSyntax.meta(rng)
        // Built complete, and too deep to parse here (the parser recurses on nesting).
        case 10..<35:
            return FuzzSyntax.deep(rng, names: names(of: [.tensor, .number, .list]), maxDepth: leaveOut.contains(.nesting) ? 20 : .max)
        default:
            var s = statement()
            // A line starting with ':' or '?' is a meta-command: only `meta` makes those.
            if s.hasPrefix(":") || s.hasPrefix("?") { s = " " + s }
            // Edge literals such as `1.` can leave a statement dangling (long ones are only
            // checked for brackets: the parser recurses on nesting).
            return FuzzSyntax.complete(s, parse: s.count < 2_000) ?? "1"
        }
    }

    func statement() -> String {
        switch rng.below(1000) {
        case 0..<330: return assignment()
        case 330..<690: return expression().text
        case 690..<720: return expression().text + ";"
        case 720..<740: return expression().text + "; " + expression().text
        case 740..<770: return multiline()
        case 770..<780: return expression().text + "  # " + FuzzValues.pick(FuzzSyntax.comments, rng)
        case 780..<840: return FuzzSyntax.complete(FuzzSyntax.soup(rng, words: words)) ?? "soup"
        case 840..<930: return mutated()
        case 930..<955: return example()
        case 955..<965: return recursive()
        default: return FuzzValues.pick(["", "   ", "# only a comment", ";", ";;", "\t", "x", "_", "vars"], rng)
        }
    }

    func assignment() -> String {
        let (text, kind) = expression()
        let name: String
        if generatedNames < Self.namePool {
            name = "v\(generatedNames)"
            generatedNames += 1
        } else {
            name = "v\(rng.below(Self.namePool))"
        }
        for k in pool.keys { pool[k]?.removeAll { $0 == name } }
        pool[kind, default: []].append(name)
        return name + " = " + text
    }

    /// A function that calls itself through the name it is bound to (directly, or by
    /// returning a call of it).
    func recursive() -> String {
        let name = "v\(rng.below(Self.namePool))"
        for k in pool.keys { pool[k]?.removeAll { $0 == name } }
        pool[.function, default: []].append(name)
        let body = pick(["\(name)(n + 1)", "\(name)(n) + 1", "\(name)", "(m) -> \(name)(m)", "sum(\(name)(n))", "[\(name)(n)]"])
        return name + " = (n = 0) -> " + body
    }

    /// A call written over several lines (a statement goes on while a bracket is open).
    func multiline() -> String {
        let p = weighted(producers.filter { if case .builtin = $0.source { return true } else { return false } })
        guard case .builtin(let b) = p.source else { return "1" }
        let args = arguments(b.parameters, key: b.name, free: b.freeKeywords, 2)
        return b.name + "(\n    " + args.joined(separator: ",\n    ") + "\n)"
    }

    func mutated() -> String {
        let base = expression().text
        guard base.count < 2_000 else { return base }
        return FuzzSyntax.complete(FuzzSyntax.mutate(base, rng, words: words)) ?? base
    }

    /// A builtin's documented example, as it is or mutated.
    func example() -> String {
        let examples = registry.builtins.keys.sorted().compactMap { registry.builtins[$0]?.example }.filter { !$0.isEmpty }
        let e = FuzzValues.pick(examples, rng)
        return chance(50) ? e : FuzzSyntax.complete(FuzzSyntax.mutate(e, rng, words: words)) ?? e
    }

    /// Builtin and member names, bound names and punctuation: the pieces of token soup.
    var words: [String] {
        registry.builtins.keys.sorted() + producers.compactMap {
            if case .member(_, let m) = $0.source { return "." + m.name } else { return nil }
        } + pool.values.flatMap { $0 }.sorted()
    }

    /// Bound names that hold a value of one of `kinds` (or of a narrower kind).
    func names(of kinds: [FuzzKind]) -> [String] { kinds.flatMap { k in ([k] + k.parts).flatMap { pool[$0] ?? [] } } }

    func chance(_ percent: Int) -> Bool { rng.below(100) < percent }

    func pick<T>(_ items: [T]) -> T { items[rng.below(items.count)] }

    func weighted(_ items: [Producer]) -> Producer {
        var r = rng.below(items.reduce(0) { $0 + $1.weight })
        for p in items {
            if r < p.weight { return p }
            r -= p.weight
        }
        return items[items.count - 1]
    }
}
