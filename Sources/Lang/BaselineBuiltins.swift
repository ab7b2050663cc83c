import Model

/// `baseline(name, train, …)`: the scorers a model is measured against — popularity, random,
/// content kNN, and the classic methods (EASE, implicit ALS, the content → user ridge) —
/// evaluated and compared like a fitted model.
enum BaselineBuiltins {
    static let names = ["popularity", "random", "content_knn", "ease", "als", "content_ridge", "rp3beta"]

    static func register(_ r: inout Registry) {
        r.add(Builtin("baseline", [Parameter("name", names.map { "\"\($0)\"" }.joined(separator: ", ")), Parameter("train", "events"),
                                   Parameter("content", "tensor [items, dim]", default: "none", keywordOnly: true),
                                   Parameter("lambda", "number", default: "none", keywordOnly: true),
                                   Parameter("factors", "whole number", default: "64", keywordOnly: true),
                                   Parameter("alpha", "number", default: "none", keywordOnly: true),
                                   Parameter("beta", "number ≥ 0", default: "0.6", keywordOnly: true),
                                   Parameter("neighbours", "whole number ≥ 0", default: "0", keywordOnly: true),
                                   Parameter("iterations", "whole number", default: "15", keywordOnly: true),
                                   Parameter("lambda_power", "number", default: "0", keywordOnly: true),
                                   Parameter("dropout", "number in [0, 1)", default: "0", keywordOnly: true),
                                   Parameter("orientation", "\"items\" or \"users\"", default: "\"items\"", keywordOnly: true),
                                   Parameter("content_weight", "number ≥ 0", default: "1", keywordOnly: true)],
                      summary: "A baseline scorer to evaluate like a model.",
                      doc: "ease: EASE (closed form, warm items only), item–item or with orientation: \"users\" user–user; dropout: p > 0 makes it "
                        + "EDLAE (Steck 2020: the penalty λ + p/(1−p)·(the item's or user's event count) on each weight). als: implicit ALS (confidence 1 + alpha·count, "
                        + "seeded; each row's penalty lambda·(1 + its event count)^lambda_power; with content: (values ≥ 0) each content column is one more user whose count on an item is "
                        + "content_weight × the item's value); ease with content: (item–item) adds content_weight·ĈĈᵀ to XᵀX, Ĉ the content rows at unit length "
                        + "(collective EASE: items with alike content share weight); rp3beta: RP3β in the flip orientation (a three-step walk item → its fans → their items → "
                        + "those items' fans, each transition probability raised to alpha, the landing user's score divided by their event count^beta; neighbours: k > 0 keeps "
                        + "each item's k most similar items, 0 all); content_ridge: one ridge per user from content: to the user's likes (cold items); "
                        + "content_knn: summed cosine similarity of content: to the user's likes. lambda (choose it on validation) "
                        + "is by default 250 for ease, 30 for als, 100 for content_ridge; alpha by default 10 for als, 0.8 for rp3beta. "
                        + "A setting the method does not read is refused (it would change nothing).",
                      example: "compare(ease: baseline(\"ease\", split.train, lambda: 250), popularity: baseline(\"popularity\", split.train), on: split.valid_warm)") { a, s in
            let name = try a.choice("name", names, default: "popularity")
            try checkSettings(name, a)
            let train = try a.object("train", EventsObject.self)
            TestPartWarning.check(train, "baseline", "fits on", s)
            return .object(try make(name, train, a, s))
        })
    }

    /// The settings each method reads: any other given is refused, since it would change
    /// nothing (a best_of over neighbours of content_knn read one flat table).
    static let settings: [String: [String]] = [
        "popularity": [], "random": [], "content_knn": ["content"], "content_ridge": ["content", "lambda"],
        "ease": ["lambda", "dropout", "orientation", "content", "content_weight"],
        "rp3beta": ["alpha", "beta", "neighbours"],
        "als": ["factors", "lambda", "alpha", "iterations", "lambda_power", "content", "content_weight"],
    ]

    private static func checkSettings(_ name: String, _ a: Arguments) throws {
        let reads = settings[name] ?? []
        let all = ["content", "lambda", "factors", "alpha", "beta", "neighbours", "iterations", "lambda_power", "dropout",
                   "orientation", "content_weight"]
        for key in all where a.has(key) && !reads.contains(key) {
            throw LangError(.argument, "baseline: \(name) does not read \(key): it would change nothing", a.span(key),
                            hint: reads.isEmpty ? "\(name) takes no settings" : "\(name) reads " + reads.map { $0 + ":" }.joined(separator: ", "))
        }
        if a.has("content_weight") && !a.has("content") {
            throw LangError(.argument, "baseline: content_weight weighs content:, which is not given: it would change nothing", a.span("content_weight"))
        }
    }

    /// The baseline fitted on train, refitted with the same settings on other events.
    private static func make(_ name: String, _ train: EventsObject, _ a: Arguments, _ s: Session) throws -> BaselineObject {
        BaselineObject(name, try scorer(name, train, a, s), train: train.events, data: train.data, refit: { events, s in
            try RefitBuiltins.check(events, like: train, "baseline \(name)")
            return .object(try make(name, events, a, s))
        })
    }

    private static func scorer(_ name: String, _ train: EventsObject, _ a: Arguments, _ s: Session) throws -> any UserScorer {
        let (users, items, events) = (train.users, train.items, train.events)
        let monitor = SessionMonitor(s)
        switch name {
        case "popularity": return PopularityScorer(train: events, users: users)
        case "random": return RandomScorer(users: users, seed: s.rng.next())
        case "content_knn": return try ContentKNNScorer(content: try content(name, a), train: events, users: users)
        case "content_ridge":
            return try ContentRidgeScorer(content: try content(name, a), train: events, users: users,
                                          lambda: try positive("lambda", 100, a), monitor: monitor)
        case "ease": return try ease(train, a, monitor)
        case "rp3beta": return try rp3beta(train, a, monitor)
        default:
            var o = ALSScorer.Options()
            o.factors = try a.size("factors", times: [users + items])
            o.lambda = try positive("lambda", 30, a)
            o.alpha = try a.float("alpha", default: 10)
            guard o.alpha >= 0 else { throw LangError(.argument, "baseline: alpha must be ≥ 0", a.span("alpha")) }
            o.iterations = try a.int("iterations", min: 1)
            o.lambdaPower = try a.float("lambda_power")
            guard o.lambdaPower >= 0 else {
                throw LangError(.argument, "baseline: lambda_power must be ≥ 0", a.span("lambda_power"))
            }
            let content = try a.optionalObject("content", TensorObject.self)?.tensor
            if let c = content {
                guard c.rank == 2, c.shape[0] == items else {
                    throw LangError(.argument, "baseline: content: must be a [\(items), dim] matrix (a row per item), got \(c.shape)", a.span("content"))
                }
                guard (0..<c.count).allSatisfy({ c[flat: $0] >= 0 }) else {
                    throw LangError(.argument, "baseline: als reads content: values ≥ 0 (as counts of pseudo-users)", a.span("content"))
                }
            }
            let weight = try a.float("content_weight")
            guard weight > 0 else {
                throw LangError(.argument, "baseline: content_weight must be > 0 for als, got \(Value.format(Double(weight)))", a.span("content_weight"))
            }
            return try ALSScorer(train: events, users: users, items: items, options: o, content: content, contentWeight: weight,
                                 seed: s.rng.next(), monitor: monitor)
        }
    }

    /// EASE item–item or user–user, EDLAE with dropout: > 0.
    private static func ease(_ train: EventsObject, _ a: Arguments, _ monitor: SessionMonitor) throws -> EASEScorer {
        let orientation = EASEScorer.Orientation(rawValue: try a.choice("orientation", ["items", "users"]))!
        let n = orientation == .items ? train.items : train.users
        try a.limit("train", [n, n], "EASE's \(n) × \(n) \(orientation == .items ? "item–item" : "user–user") matrix")
        let dropout = try a.float("dropout")
        guard dropout >= 0, dropout < 1 else {
            throw LangError(.argument, "baseline: dropout must be in [0, 1), got \(Value.format(Double(dropout)))", a.span("dropout"))
        }
        let content = try a.optionalObject("content", TensorObject.self)?.tensor
        if let c = content {
            guard orientation == .items else {
                throw LangError(.argument, "baseline: ease reads content: only item–item (orientation: \"items\")", a.span("content"))
            }
            guard c.rank == 2, c.shape[0] == train.items else {
                throw LangError(.argument, "baseline: content: must be a [\(train.items), dim] matrix (a row per item), got \(c.shape)", a.span("content"))
            }
        }
        let weight = try a.float("content_weight")
        guard weight >= 0 else {
            throw LangError(.argument, "baseline: content_weight must be ≥ 0, got \(Value.format(Double(weight)))", a.span("content_weight"))
        }
        return try EASEScorer(train: train.events, users: train.users, items: train.items, lambda: try positive("lambda", 250, a),
                              dropout: dropout, orientation: orientation, content: content, contentWeight: weight, monitor: monitor)
    }

    /// RP3β: alpha and beta ≥ 0, neighbours a whole number ≥ 0 (0: every item).
    private static func rp3beta(_ train: EventsObject, _ a: Arguments, _ monitor: SessionMonitor) throws -> RP3BetaScorer {
        try a.limit("train", [train.items, train.items], "RP3β's \(train.items) × \(train.items) item–item matrix")
        let alpha = try a.float("alpha", default: 0.8), beta = try a.float("beta")
        guard alpha >= 0 else { throw LangError(.argument, "baseline: alpha must be ≥ 0, got \(Value.format(Double(alpha)))", a.span("alpha")) }
        guard beta >= 0 else { throw LangError(.argument, "baseline: beta must be ≥ 0, got \(Value.format(Double(beta)))", a.span("beta")) }
        return try RP3BetaScorer(train: train.events, users: train.users, items: train.items, alpha: alpha, beta: beta,
                                 neighbours: try a.int("neighbours", min: 0), monitor: monitor)
    }

    private static func content(_ name: String, _ a: Arguments) throws -> Tensor {
        guard let c = try a.optionalObject("content", TensorObject.self) else {
            throw LangError(.argument, "baseline: \(name) needs content: (a [items, dim] matrix)", a.callSpan)
        }
        return c.tensor
    }

    private static func positive(_ key: String, _ fallback: Double, _ a: Arguments) throws -> Float {
        let x = try a.float(key, default: fallback)
        guard x > 0 else { throw LangError(.argument, "baseline: \(key) must be a positive number, got \(Value.format(Double(x)))", a.span(key)) }
        return x
    }
}
