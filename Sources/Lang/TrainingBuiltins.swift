import Foundation
import Model

enum TrainingBuiltins {
    static func sampler(_ a: Arguments) throws -> Objective.Sampler {
        switch try a.choice("sampler", ["uniform", "popular"]) {
        case "popular": return .popular(beta: try a.float("beta"))
        default: return .uniform
        }
    }

    /// The negative users: K drawn per batch (at least 1, no more than there are users), or
    /// "all" where the loss takes every user: `all` says how (wmse: `.allUsers`, by the Gramian
    /// trick; listwise: `.everyUser`, every user scored); nil, the loss has no "all".
    static func negatives(_ a: Arguments, _ score: ScoreObject, all: Objective.Negatives? = nil) throws -> Objective.Negatives {
        if case .string(let s)? = a.value("negatives") {
            guard s == "all" else {
                throw LangError(.argument, "\(a.callee): negatives must be a whole number\(all != nil ? " or \"all\"" : ""), got \"\(s)\"", a.span("negatives"))
            }
            guard let all else {
                throw LangError(.argument, "\(a.callee): negatives: \"all\" is only for wmse (every user a 0 target, by the Gramian trick) and listwise (a softmax over every user); \(a.callee) needs K sampled negatives",
                                a.span("negatives"), hint: "negatives: \(Swift.min(32, score.model.users)) is typical")
            }
            return all
        }
        let k = try a.int("negatives")
        guard k >= 1 else {
            throw LangError(.argument, "\(a.callee): negatives must be at least 1, got \(k)", a.span("negatives"),
                            hint: all != nil ? "negatives: \"all\" takes every user" : nil)
        }
        guard k <= score.model.users else {
            throw LangError(.argument, "\(a.callee): negatives \(k) is more than the \(score.model.users) users they are drawn from",
                            a.span("negatives"), hint: all != nil ? "negatives: \"all\" takes every user" : "negatives: \(Swift.min(32, score.model.users)) is typical")
        }
        return .sampled(k)
    }

    /// A sample of a score's batches, its negatives and sampler checked.
    static func sample(_ a: Arguments, all: Objective.Negatives? = nil) throws -> SampleObject {
        let score = try a.object("score", ScoreObject.self)
        let n = try negatives(a, score, all: all), perPositive = try a.bool("per_positive")
        if perPositive && n.isAllUsers {
            throw LangError(.argument, "\(a.callee): per_positive: true draws K negatives for each positive, but negatives: \"all\" draws none",
                            a.span("per_positive"))
        }
        return SampleObject(score, n, try sampler(a), perPositive: perPositive)
    }

    /// A learning rate: finite and above zero.
    static func learningRate(_ a: Arguments, default d: Double) throws -> Float {
        let lr = try a.float("lr")
        guard lr > 0 else { throw LangError(.argument, "\(a.callee): lr must be above 0, got \(Value.format(Double(lr)))", a.span("lr")) }
        return lr
    }

    /// Runs an evaluation of the scorer called `name`; NaN or infinite scores become an
    /// error at the scorer's argument that says how many and whose.
    static func ranking<T>(_ a: Arguments, _ name: String, at span: SourceSpan, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let e as NonFiniteScores {
            throw LangError(.runtime, "\(a.callee): " + e.message(for: name), span)
        }
    }

    /// k for ranking: more than there are users means every user, so it is clamped to the
    /// users (the metrics are those of k = users exactly) with a warning, not refused.
    static func rankingDepth(_ a: Arguments, users: Int, _ s: Session) throws -> Int {
        let k = try a.int("k", min: 1)
        guard k > users else { return k }
        s.warn("\(a.callee): k \(k) is more than the \(users) users: every user is in the top k, so k = \(users)")
        return users
    }

    static func train(of score: ScoreObject, _ a: Arguments) throws -> Events {
        guard let t = score.train else {
            throw LangError(.runtime, "this score has not been fitted yet: fit(…) it first", a.callSpan)
        }
        return t
    }

    static func register(_ r: inout Registry) {
        let samplerParams = [Parameter("negatives", "whole number", default: "32", keywordOnly: true),
                             Parameter("sampler", "\"uniform\" or \"popular\"", default: "\"uniform\"", keywordOnly: true),
                             Parameter("beta", "number", default: "0.5", keywordOnly: true),
                             Parameter("per_positive", "bool", default: "false", keywordOnly: true)]
        r.add(Builtin("sample", [Parameter("score", "score")] + samplerParams,
                      summary: "The batch's scores for writing a loss by hand: .pos [B] and .neg [B, K].",
                      doc: "K negative users are drawn per batch (uniformly, or by activity^beta) and shared by its examples — one matrix product scores them; per_positive: true draws K for each example instead (the same for bpr, listwise and wmse).",
                      example: "s = sample(score, negatives: 32)\nloss = mean(softplus(s.neg - s.pos))") { a, _ in
            .object(try sample(a))
        })
        r.add(SampleObject.typeName, [
            .property("pos", "Scores of each example's positive user, [B].") { (s: SampleObject) in .object(LossObject(.positive, s)) },
            .property("neg", "Scores of the sampled negative users, [B, K].") { (s: SampleObject) in .object(LossObject(.negative, s)) },
            .property("score", "The score model the sample draws from.") { (s: SampleObject) in .object(s.score) },
        ])
        r.add(LossObject.typeName, [
            .property("score", "The score model the loss trains (what evaluate and recommend take).") { (l: LossObject) in .object(l.sample.score) },
        ])
        r.add(Builtin("bpr", [Parameter("score", "score")] + samplerParams, summary: "Bayesian personalised ranking: mean softplus(neg − pos).",
                      example: "loss = bpr(score, negatives: 32)") { a, _ in
            .object(LossObject(.bpr, try sample(a)))
        })
        r.add(Builtin("listwise", [Parameter("score", "score"), Parameter("negatives", "whole number or \"all\"", default: "32", keywordOnly: true)] + samplerParams.dropFirst(),
                      summary: "Softmax cross-entropy of the positive against the negatives; negatives: \"all\" is a softmax over every user.",
                      doc: "Per example: −log(exp(pos) / (exp(pos) + Σ exp(neg))) over K sampled users. With negatives: \"all\" every user is scored for each example (one product, [B, users]) and the positive is one of them: −pos + log Σ_u exp(s_u) over all users, the multinomial likelihood of Mult-DAE/Mult-VAE (Liang et al. 2018) in the flip orientation. It costs B × users scores a batch and updates every user's row each step.",
                      example: "loss = listwise(score, negatives: \"all\")") { a, _ in
            .object(LossObject(.listwise, try sample(a, all: .everyUser)))
        })
        r.add(Builtin("wmse", [Parameter("score", "score"), Parameter("alpha", "number", default: "10", keywordOnly: true),
                               Parameter("negatives", "whole number or \"all\"", default: "32", keywordOnly: true)] + samplerParams.dropFirst(),
                      summary: "Weighted squared error: α·mean((pos − 1)²) + mean(neg²); negatives: \"all\" takes every user.",
                      doc: "Positives target 1 with weight α, negatives 0. With negatives: \"all\" every user without a training event with the item is a 0 target and mean(neg²) becomes the mean over all users (Σ over them ÷ users, per example): what uniform sampling estimates, computed exactly with the Gramian trick of implicit ALS (Σ vᵀ(UᵀU)v, then the observed users taken off), never scoring each pair. One unobserved user then weighs 1/users of a positive at α = 1: ALS's confidence α is α × users here.",
                      example: "loss = wmse(score, alpha: 10, negatives: \"all\")") { a, _ in
            let sample = try sample(a, all: .allUsers)
            let alpha = try a.float("alpha")
            return .object(LossObject(sample.negatives == .allUsers ? .weightedMSEAllUsers(alpha: alpha, negativeWeight: 1)
                                                                   : .weightedMSE(alpha: alpha, negativeWeight: 1), sample))
        })
        let drawnPerPositive = samplerParams.map { $0.name == "per_positive" ? Parameter("per_positive", "bool", default: "true", keywordOnly: true) : $0 }
        r.add(Builtin("warp", [Parameter("score", "score"), Parameter("margin", "number", default: "1", keywordOnly: true)] + drawnPerPositive,
                      summary: "WARP: per example, the first sampled negative user that violates the margin, weighted by the rank that implies.",
                      doc: "Each example's K negatives (drawn per positive by default) are read in draw order until one scores above pos − margin; if that is draw N, the positive's rank is estimated as ⌊(users − 1) / N⌋ = r and the hinge margin − pos + neg is weighted by 1 + 1/2 + … + 1/r. Examples without a violation add nothing. Hard negatives with few draws: sampler: \"popular\" draws them by activity^beta.",
                      example: "loss = warp(score, negatives: 64, margin: 1)") { a, _ in
            let margin = try a.float("margin")
            guard margin >= 0 else { throw LangError(.argument, "warp: margin must be a number ≥ 0, got \(Value.format(Double(margin)))", a.span("margin")) }
            return .object(LossObject(.warp(margin: margin), try sample(a)))
        })
        // The learning rate may be given by position too: adagrad(0.1) reads as adagrad(lr: 0.1).
        r.add(Builtin("adagrad", [Parameter("lr", "number", default: "0.05")], summary: "Adagrad (sparse rows for embeddings).",
                      example: "opt = adagrad(0.05)") { a, _ in .object(OptimizerObject(Adagrad(learningRate: try learningRate(a, default: 0.05)))) })
        r.add(Builtin("sgd", [Parameter("lr", "number", default: "0.01")], summary: "Plain stochastic gradient descent.",
                      example: "opt = sgd(lr: 0.01)") { a, _ in .object(OptimizerObject(SGD(learningRate: try learningRate(a, default: 0.01)))) })
        r.add(Builtin("adam", [Parameter("lr", "number", default: "0.001")], summary: "Adam (lazy on sparse tables).",
                      example: "opt = adam(0.001)") { a, _ in .object(OptimizerObject(Adam(learningRate: try learningRate(a, default: 0.001)))) })
        registerEvaluation(&r)
    }

    /// Evaluation, baselines and ablations, recommendations.
    static func registerEvaluation(_ r: inout Registry) {
        r.add(Builtin("evaluate", [Parameter("score", "score or baseline"), Parameter("events", "events"),
                                   Parameter("k", "whole number", default: "20", keywordOnly: true)],
                      summary: "Rank all users for each item of events: recall@k, ndcg@k, mrr, auc, warm and cold items apart.",
                      example: "evaluate(score, split.test_cold, k: 20)") { a, s in
            let events = try a.object("events", EventsObject.self)
            let (scorer, train): (any UserScorer, Events)
            var name = "model"
            if case .object(let b as BaselineObject)? = a.value("score") {
                scorer = b.scorer
                train = b.train
                name = b.name
            } else {
                let score = try a.object("score", ScoreObject.self)
                (scorer, train) = (score.model, try TrainingBuiltins.train(of: score, a))
            }
            try FileBuiltins.sameDataset(scorer, train: train, as: events, name == "model" ? "the model" : name, a.span("score"), "evaluate")
            let k = try rankingDepth(a, users: scorer.users, s)
            let e = try ranking(a, name == "model" ? "the model" : name, at: a.span("score")) {
                try Evaluator.evaluate(scorer, test: events.events, train: train, items: events.items, k: k, threads: s.threads, monitor: SessionMonitor(s))
            }
            if e.all.items == 0 {
                // A user's training events are left out of its ranking, so the training part itself leaves nothing.
                let why = events.events.count == 0 ? "they are empty (an empty part of the split?)"
                    : "every event is one the model trained on, and those are left out of the ranking (evaluate on split.valid_… or split.test_…)"
                s.warn("evaluate: the events hold no item to rank users for, so every figure is undefined: \(why)")
            } else {
                TrainingBuiltins.warnLeftOut(e, name == "model" ? "the model" : name, "evaluate", s)
            }
            return .object(EvaluationObject(e, name: name))
        })
        r.add(Builtin("ablation", [Parameter("score", "fitted score"), Parameter("part", "\"id_only\" or \"content_only\"")],
                      summary: "The same fitted model scored with its IDs only or its content only, to evaluate beside it.",
                      doc: "id_only: every content node is absent; content_only: every item embedding is absent (as for cold items).",
                      example: "compare(hybrid: score, ids: ablation(score, \"id_only\"), content: ablation(score, \"content_only\"), on: split.test_warm)") { a, _ in
            let score = try a.object("score", ScoreObject.self)
            let part = try a.choice("part", ["id_only", "content_only"])
            if part == "content_only" && !score.model.item.readsContent {
                throw LangError(.argument, "ablation: this model's item side reads no content, so content_only would leave the users' biases alone", a.span("part"))
            }
            return .object(BaselineObject(part, ScoreModel.Ablated(score.model, TowerContext.Ablation(rawValue: part)!),
                                          train: try TrainingBuiltins.train(of: score, a), data: score.data))
        })
        registerRecommend(&r)
    }

    /// `recommend`: the users a movie suits, by index, title or a new plot.
    static func registerRecommend(_ r: inout Registry) {
        r.add(Builtin("recommend", [Parameter("score", "score, baseline, blend or route"), Parameter("item", "item index or title", default: "none"),
                                    Parameter("top", "whole number", default: "10", keywordOnly: true),
                                    Parameter("plot", "string", default: "none", keywordOnly: true)],
                      summary: "The users a movie suits best — by item index, title, or a new plot — with the liked movies closest to it.",
                      example: "recommend(score, plot: \"A lonely robot falls in love in outer space.\", top: 10)") { a, s in
            if case .object(let b as BaselineObject)? = a.value("score") { return try recommend(b, a, s) }
            let score = try a.object("score", ScoreObject.self)
            let train = try TrainingBuiltins.train(of: score, a)
            guard let data = score.data else {
                throw LangError(.runtime, "recommend: this model has no dataset to name its users and items (build it with embedding(ml.items, …))", a.callSpan)
            }
            let query: Recommend.Query, title: String
            if a.has("plot") {
                if a.has("item") { throw LangError(.argument, "recommend takes an item or a plot, not both", a.span("plot")) }
                let text = try a.string("plot")
                (query, title) = (.plot(text), "the plot " + Value.quoted(text.count > 80 ? String(text.prefix(79)) + "…" : text))
            } else if let i = try namedItem(a, data) {
                (query, title) = (.item(i), data.titles[Int(i)])
            } else {
                throw LangError(.argument, "recommend needs an item (index or title) or plot: \"…\"", a.callSpan)
            }
            let top = try a.int("top", min: 1)
            let picked = try Recommend.users(score.model, for: query, top: top, train: train) {
                s.warn("recommend: the model reads nothing in \(title) (no word it knows): the users are ranked as for an empty plot, by what every movie shares")
            }
            if case .item(let i) = query, !score.model.item.readsContent, !train.items.contains(i) {
                s.warn("recommend: \(title) has no training event and the model reads no plots: the users are ranked by their biases alone")
            }
            warnIfFewer(picked, top, title, s)
            return .object(RecommendationsObject(picked, data, title))
        })
        registerResults(&r)
    }

    /// recommend from a baseline, a blend or a route: an item by index or title (a plot needs a
    /// model that reads plots), its training users excluded; no liked movies, as such a scorer
    /// has no item vectors to find the closest by.
    static func recommend(_ b: BaselineObject, _ a: Arguments, _ s: Session) throws -> Value {
        guard let data = b.data else {
            throw LangError(.runtime, "recommend: this \(b.name) has no dataset to name its users and items", a.span("score"))
        }
        if a.has("plot") {
            throw LangError(.argument, "recommend: a \(b.name) ranks the movies it was fitted with; a new plot needs a fitted model that reads plots",
                            a.span("plot"), hint: "recommend(score, plot: …) with a score from fit(…) whose item side reads content")
        }
        guard let i = try namedItem(a, data) else { throw LangError(.argument, "recommend needs an item (index or title)", a.callSpan) }
        let top = try a.int("top", min: 1), title = data.titles[Int(i)]
        let picked = try Recommend.users(b.scorer, item: i, items: data.items.count, top: top, train: b.train)
        if picked.count > 1, picked.allSatisfy({ $0.score == picked[0].score }) {
            s.warn("recommend: the \(b.name) gives these users one score for \(title): their order is the users' index order, not a preference")
        }
        warnIfFewer(picked, top, title, s)
        return .object(RecommendationsObject(picked, data, title))
    }

    /// recommend's item: by title or index (nil: none given).
    private static func namedItem(_ a: Arguments, _ data: MovieLens) throws -> Int32? {
        if case .string(let t)? = a.value("item") {
            guard let i = data.item(titled: t) else { throw LangError(.runtime, "recommend: no movie titled \"\(t)\"", a.span("item")) }
            return i
        }
        guard a.has("item") else { return nil }
        let i = try a.int("item", min: 0)
        guard i < data.items.count else { throw LangError(.runtime, "recommend: item \(i) is out of range", a.span("item")) }
        return Int32(i)
    }

    private static func warnIfFewer(_ picked: [Recommendation], _ top: Int, _ title: String, _ s: Session) {
        if picked.count < top {
            s.warn("recommend: top \(top), but only \(picked.count) users have no training event on \(title): all of them are shown")
        }
    }

    /// Test pairs the model was fitted on are left out of its ranking: a few hundred of them
    /// mean the events come from another split (or the training part), and the figures from
    /// what is left.
    static func warnLeftOut(_ e: Evaluation, _ name: String, _ callee: String, _ s: Session) {
        guard e.leftOut > 0 else { return }
        s.warn("\(callee): \(e.leftOut) test pair\(e.leftOut == 1 ? " is one" : "s are ones") \(name) was fitted on, left out of the ranking "
               + "(events of another split of this dataset?): the figures come from the rest")
    }

    /// The members of what training and evaluation return.
    static func registerResults(_ r: inout Registry) {
        r.add(RecommendationsObject.typeName, [
            .property("users", "The recommended users' original ids, best first.") { (r: RecommendationsObject) in
                .list(r.items.map { .number(Double(r.data.users.ids[Int($0.user)])) })
            },
            .property("scores", "Their scores.") { (r: RecommendationsObject) in .list(r.items.map { .number(Double($0.score)) }) },
        ])
        r.add(HistoryObject.typeName, [
            .property("score", "The score model the training fitted (what evaluate and recommend take).") { (h: HistoryObject) in
                guard let score = h.score else { throw LangError(.type, "this history has no score model", nil) }
                return .object(score)
            },
            .property("loss", "The mean loss of each epoch.") { (h: HistoryObject) in .list(h.history.losses.map { .number($0) }) },
            .property("preference", "The preference loss (the objective alone) of each epoch.") { (h: HistoryObject) in
                .list(h.history.losses(of: LossPart.preference).map { .number($0) })
            },
            .property("word_prediction", "A paragraph_encoder's word-prediction loss of each epoch, unweighted (empty without one).") { (h: HistoryObject) in
                .list(h.history.losses(of: AuxiliaryLoss.wordPrediction).map { .number($0) })
            },
            .property("epochs", "How many epochs ran.") { (h: HistoryObject) in .number(Double(h.history.epochs.count)) },
        ])
        r.add(EvaluationObject.typeName, [
            .property("ndcg", "ndcg@k over all items.") { (e: EvaluationObject) in .number(try e.measured(\.all, "items").ndcg) },
            .property("recall", "recall@k over all items.") { (e: EvaluationObject) in .number(try e.measured(\.all, "items").recall) },
            .property("cold", "ndcg@k over cold items.") { (e: EvaluationObject) in .number(try e.measured(\.cold, "cold items").ndcg) },
            .property("warm", "ndcg@k over warm items.") { (e: EvaluationObject) in .number(try e.measured(\.warm, "warm items").ndcg) },
        ])
    }
}
