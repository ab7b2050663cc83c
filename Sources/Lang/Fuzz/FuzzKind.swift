/// What a fuzzed expression is meant to produce: the language's value types (objects by their
/// registry type name) and the argument shapes parameters ask for (whole numbers, fractions,
/// shapes, nested literals, paths to read, paths to write).
public enum FuzzKind: String, CaseIterable, Sendable {
    case number, whole, fraction, string, bool, list, shape, literal, path, outPath
    case tensor, content, dataset, axis, plots, events, split, vocabulary, wordvectors, node, userNode, itemNode, score
    case sample, loss, optimizer, history, evaluation, baseline, table, recommendations, text
    case sweep, space = "search space", function
    case builtin, method, nothing

    /// Kinds written as literals (no object behind them).
    var isPlain: Bool {
        switch self {
        case .number, .whole, .fraction, .string, .bool, .list, .shape, .literal, .path, .outPath, .nothing: return true
        default: return false
        }
    }

    /// Narrower kinds a value of this kind may be: a content matrix is a tensor, a node is a
    /// user-side or an item-side one.
    var parts: [FuzzKind] {
        switch self {
        case .tensor: return [.content]
        case .node: return [.userNode, .itemNode]
        default: return []
        }
    }
}

/// How the generator reads the registry: which kinds a parameter's type text asks for, and
/// which kind each builtin and member gives back (the registry keeps bodies, not result types,
/// so this table says it; a test checks it covers every builtin and member).
enum FuzzTypes {
    /// Words of a parameter's type text (`"item index or title"`) and the kinds they mean.
    static let typeWords: [(String, FuzzKind)] = [
        ("whole number", .whole), ("item index", .whole), ("movie id", .whole), ("fraction", .fraction),
        ("nested list", .literal), ("list of sizes", .shape), ("path", .path), ("string", .string), ("title", .string),
        ("bool", .bool), ("ml.items", .axis), ("ml.users", .axis), ("tensor [items", .content), ("tensor", .tensor), ("dataset", .dataset),
        ("plots", .plots), ("events", .events), ("vocabulary", .vocabulary), ("wordvectors", .wordvectors),
        ("user-side node", .userNode), ("item-side node", .itemNode), ("node", .node), ("score", .score), ("baseline", .baseline), ("loss", .loss), ("optimizer", .optimizer),
        ("history", .history), ("number", .number), ("grid(", .space), ("function", .function),
        ("value", .number), ("value", .string), ("value", .tensor),
    ]

    /// Paths that exist in the fuzz workspace for parameters that read them (drawn half the time).
    static let pathHints: [String: [String]] = [
        "movielens.dir": ["demo", "demo/", "./demo"], "movielens.plots": ["demo/plots.tsv", "demo/u.item", "vec.txt"],
        "wordvectors.path": ["vec.txt", "vec.txt", "junk.gz", "t.npy"], "load.path": ["t.npy", "out.npy", "m.ckpt", "junk.bin"],
        "split_files.train": ["sp/train.tsv", "sp/test_cold.tsv"], "split_files.test_warm": ["sp/test_warm.tsv"],
        "split_files.test_cold": ["sp/test_cold.tsv", "sp/valid_cold.tsv"], "split_or_files.dir": ["", "sp", "sp/"],
        "save.path": ["out.npy", "m.ckpt", "x.ckpt"], "export.path": ["out.npy", "t.npy", "out.csv", "out.json"], "split.save.dir": ["sp", "sp"],
    ]

    /// Parameters that name a file to write (kept inside the fuzz workspace).
    static let writes: Set<String> = ["save.path", "export.path", "plot.path", "split.save.dir"]

    /// The kinds a parameter's type text asks for, and the quoted choices it lists.
    static func parse(_ type: String) -> (kinds: [FuzzKind], choices: [String]) {
        var kinds: [FuzzKind] = []
        for (word, kind) in typeWords where type.contains(word) && !kinds.contains(kind) { kinds.append(kind) }
        // "tensor [items, dim]" asks for a content matrix, "item-side node" for that side only.
        let found = kinds
        kinds.removeAll { general in found.contains { general.parts.contains($0) } }
        // "function returning a loss" asks for a function, not a loss.
        if kinds.contains(.function) { kinds = [.function] }
        let choices = type.split(separator: "\"", omittingEmptySubsequences: false).enumerated()
            .filter { $0.offset % 2 == 1 }.map { String($0.element) }
        if !choices.isEmpty && !kinds.contains(.string) { kinds.append(.string) }
        return (kinds, choices)
    }

    static let builtinResults: [String: FuzzKind] = [
        "seed": .nothing, "threads": .nothing, "help": .text, "vars": .table,
        "tensor": .tensor, "zeros": .tensor, "ones": .tensor, "randn": .tensor, "param": .tensor, "backward": .nothing,
        "sum": .tensor, "mean": .tensor, "exp": .tensor, "log": .tensor, "sigmoid": .tensor, "softplus": .tensor,
        "tanh": .tensor, "elu": .tensor, "relu": .tensor, "softmax": .tensor,
        "movielens": .dataset, "split_files": .split, "vocabulary": .vocabulary, "tfidf": .content,
        "wordvectors": .wordvectors, "tfidf_average": .content, "interactions": .content, "paragraph_vectors": .content, "word2vec": .wordvectors,
        "embedding": .node, "content": .itemNode, "dense": .node, "project": .node, "dropout": .node, "concat": .node,
        "paragraph_encoder": .itemNode, "rnn_encoder": .itemNode, "dot": .score, "sample": .sample,
        "bpr": .loss, "listwise": .loss, "wmse": .loss, "warp": .loss, "adagrad": .optimizer, "sgd": .optimizer, "adam": .optimizer,
        "fit": .history, "evaluate": .evaluation, "baseline": .baseline, "ablation": .baseline,
        "recommend": .recommendations, "gradcheck": .text, "export": .nothing, "save": .nothing, "load": .tensor, "infer": .tensor,
        "plot": .text, "compare": .table, "grid": .space, "random_grid": .space, "sweep": .sweep,
        "setting": .nothing, "best_of": .score, "split_or_files": .split, "blend": .baseline, "map_content": .baseline, "route": .baseline,
        "refit": .score,
    ]

    /// `type.member` → the kind it gives (a method's: what its call gives).
    static let memberResults: [String: FuzzKind] = [
        "dataset.users": .axis, "dataset.items": .axis, "dataset.events": .events, "dataset.plots": .plots,
        "dataset.genres": .content, "dataset.years": .content, "dataset.release_dates": .content,
        "dataset.title": .string, "dataset.split": .split,
        "split.train": .events, "split.test_warm": .events, "split.test_cold": .events, "split.valid_warm": .events,
        "split.valid_cold": .events, "split.train_all": .events, "split.cold_items": .list, "split.save": .nothing,
        "events.count": .number, "node.width": .number, "node.parameters": .number,
        "sample.pos": .loss, "sample.neg": .loss, "sample.score": .score, "loss.score": .score, "history.score": .score, "history.loss": .list, "history.preference": .list, "history.word_prediction": .list, "history.epochs": .number,
        "evaluation.ndcg": .number, "evaluation.recall": .number, "evaluation.cold": .number, "evaluation.warm": .number,
        "recommendations.users": .list, "recommendations.scores": .list,
        "vocabulary.size": .number, "vocabulary.words": .list, "wordvectors.dim": .number, "wordvectors.oov": .number,
        "tensor.shape": .list, "tensor.T": .tensor, "tensor.grad": .tensor, "tensor.item": .number,
        "sweep.score": .score, "sweep.history": .history, "sweep.best": .list, "sweep.selected": .number,
        "score.item_vectors": .tensor, "score.user_vectors": .tensor,
    ]

    /// How much work a costly builtin does, by parameter: given most of the time, and small
    /// most of the time, so that a run stays fast (their defaults train for seconds).
    static let workParameters: [String: [String]] = [
        "epochs": ["1", "1", "2"], "dim": ["2", "4", "8", "16"], "window": ["1", "2", "5"], "negatives": ["1", "2", "4"],
        "max_words": ["5", "10", "20"], "batch": ["64", "256", "1000"], "k": ["5", "10", "20"], "top": ["1", "3", "10"],
        "patience": ["1", "2"],
    ]

    /// Builtins that train, load or scan the whole dataset: drawn rarely so a run stays fast.
    static let costly: Set<String> = [
        "fit", "evaluate", "compare", "paragraph_vectors", "word2vec", "paragraph_encoder", "rnn_encoder", "gradcheck",
        "movielens", "split_files", "tfidf_average", "baseline", "recommend", "vocabulary", "tfidf", "wordvectors",
        "threads", "dataset.split", "split.save", "wordvectors.oov", "sweep", "best_of", "split_or_files", "blend", "map_content", "route", "refit",
    ]
}
