/// The setup every fuzz session starts with: the demo data loaded and one object of each
/// type bound to a name, so that fuzzed statements get real datasets, models, losses and
/// histories at once. Each entry says what it binds, so a reproducer keeps only the entries
/// its statements need.
public struct FuzzPrelude: Sendable {
    public struct Entry: Sendable {
        public let source: String
        /// The name it binds (nil: a statement run for its effect, e.g. writing a file).
        public let name: String?
        public let kind: FuzzKind?
        /// Files it writes that later statements may read.
        public let files: [String]
    }

    public let entries: [Entry]

    static func bind(_ name: String, _ kind: FuzzKind, _ source: String) -> Entry {
        Entry(source: "\(name) = \(source)", name: name, kind: kind, files: [])
    }

    public static let standard = FuzzPrelude(entries: [
        bind("ml", .dataset, "movielens(\"demo\", plots: \"demo/plots.tsv\")"),
        bind("split", .split, "ml.split()"),
        bind("train", .events, "split.train"),
        bind("test", .events, "split.test_warm"),
        bind("cold", .events, "split.test_cold"),
        bind("items", .axis, "ml.items"),
        bind("users", .axis, "ml.users"),
        bind("plots", .plots, "ml.plots"),
        bind("item", .itemNode, "embedding(ml.items, 8)"),
        bind("user", .userNode, "embedding(ml.users, 8)"),
        bind("score", .score, "dot(user, item)"),
        bind("s", .sample, "sample(score, negatives: 4)"),
        bind("loss", .loss, "bpr(score, negatives: 4)"),
        bind("opt", .optimizer, "adagrad(lr: 0.05)"),
        bind("hist", .history, "fit(loss, train, opt, epochs: 1)"),
        bind("ev", .evaluation, "evaluate(score, test)"),
        bind("base", .baseline, "baseline(\"popularity\", train)"),
        bind("vocab", .vocabulary, "vocabulary(ml.plots, min_count: 2)"),
        bind("w", .content, "tfidf(ml.plots, vocab)"),
        bind("wv", .wordvectors, "word2vec(ml.plots, dim: 8, epochs: 1)"),
        bind("text", .content, "tfidf_average(ml.plots, wv, vocab)"),
        bind("t", .tensor, "tensor([[1, 2], [3, 4]])"),
        bind("p", .tensor, "param(randn([3, 2]))"),
        bind("r", .recommendations, "recommend(score, 0)"),
        bind("cmp", .table, "compare(a: score, b: base, on: test)"),
        bind("l", .list, "[1, 2, 3]"),
        bind("n", .number, "3"),
        bind("str", .string, "\"abc\""),
        bind("f", .builtin, "mean"),
        bind("m", .method, "ml.title"),
        bind("recipe", .function, "(dim = 4, drop = 0) -> bpr(dot(embedding(ml.users, dim), embedding(ml.items, dim, dropout: drop)))"),
        bind("space", .space, "grid(dim: [2, 4])"),
        bind("sw", .sweep, "sweep(recipe, space, train, validate: test, epochs: 1)"),
        Entry(source: "export(t, \"t.npy\")", name: nil, kind: nil, files: ["t.npy"]),
        Entry(source: "save(score, \"m.ckpt\")", name: nil, kind: nil, files: ["m.ckpt"]),
        Entry(source: "split.save(\"sp\")", name: nil, kind: nil, files: ["sp/"]),
    ])

    /// The entries that `statements` need: those binding a name they use or writing a file
    /// they mention, and in turn what those entries need.
    public func needed(by statements: [String]) -> [Entry] {
        var words = Set(statements.flatMap(FuzzSyntax.identifiers))
        let text = statements.joined(separator: "\n")
        var keep: [Entry] = []
        for e in entries.reversed() {
            let used = e.name.map { words.contains($0) } ?? e.files.contains { text.contains($0) }
            guard used else { continue }
            keep.insert(e, at: 0)
            words.formUnion(FuzzSyntax.identifiers(e.source))
        }
        return keep
    }
}
