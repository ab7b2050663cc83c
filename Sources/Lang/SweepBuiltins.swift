import Model

/// What a sweep found: a row per finished trial, the best one marked; its fitted model.
final class SweepObject: LangObject {
    static let typeName = "sweep"
    let names: [String]
    let trials: [Trial]
    let best: Int
    let score: ScoreObject
    let history: History
    let select: String, k: Int
    let note: String?

    init(names: [String], trials: [Trial], best: Int, score: ScoreObject, history: History, select: String, k: Int, note: String?) {
        self.names = names
        self.trials = trials
        self.best = best
        self.score = score
        self.history = history
        self.select = select
        self.k = k
        self.note = note
    }

    var display: String {
        var lines = ["sweep: \(trials.count) trial\(trials.count == 1 ? "" : "s"), validation ndcg@\(k), selected on \(select)"]
        if let t = table { lines.append(t.text) }
        lines.append("best: " + SweepObject.best(trials[best], index: best))
        if let note { lines.append(note) }
        return lines.joined(separator: "\n")
    }

    var summary: String { "sweep of \(trials.count) trial\(trials.count == 1 ? "" : "s"), best #\(best + 1) " + SweepObject.settings(trials[best]) }

    /// "#3 dim=32 → 0.2184": a trial, its settings and its selected figure.
    static func best(_ t: Trial, index: Int) -> String { "#\(index + 1) " + settings(t) + String(format: " → %.4f", t.selected) }

    static func settings(_ t: Trial) -> String { t.settings.map { "\($0.name)=\($0.value.display)" }.joined(separator: " ") }

    /// A trial's line as it finishes (aligned loosely: the final table aligns).
    static func row(_ t: Trial, index: Int, names: [String], k: Int, best: Bool) -> String {
        "trial \(index)  " + settings(t) + String(format: "  epochs %d  valid ndcg@%d %.4f", t.epochs, k, t.selected)
            + String(format: "  (%.1f s)", t.seconds) + (best ? "  ★ best so far" : "")
    }
}

enum SweepBuiltins {
    static func register(_ r: inout Registry) {
        r.add(Builtin("sweep", [Parameter("recipe", "function returning a loss"), Parameter("space", "grid(…) or random_grid(…)"),
                                Parameter("train", "events"),
                                Parameter("validate", "events, or a list of events", keywordOnly: true),
                                Parameter("select", "\"all\", \"warm\", \"cold\" or \"mix\"", default: "\"all\"", keywordOnly: true),
                                Parameter("cold_weight", "number", default: "0.5", keywordOnly: true),
                                Parameter("epochs", "whole number", default: "20", keywordOnly: true),
                                Parameter("patience", "whole number", default: "3", keywordOnly: true),
                                Parameter("batch", "whole number", default: "256", keywordOnly: true),
                                Parameter("lr", "number", default: "0.05", keywordOnly: true),
                                Parameter("optimizer", "\"adagrad\", \"adam\" or \"sgd\"", default: "\"adagrad\"", keywordOnly: true),
                                Parameter("k", "whole number", default: "20", keywordOnly: true)],
                      summary: "Train a recipe for every trial of a search space; keep the one best on validation.",
                      doc: "Each trial builds the recipe with its settings (lr, batch, epochs and optimizer go to training), trains it from its own seed with early stopping on the validation events, and is scored by validation NDCG@k (all items, warm, cold, or (1−w)·warm + w·cold with select: \"mix\"). A row is printed per trial; .score is the best fitted model, .history its training. Ctrl-C keeps the best finished trial.",
                      example: "recipe = (dim = 32, drop = 0.3) -> bpr(dot(embedding(ml.users, dim), embedding(ml.items, dim, dropout: drop)))\nbest = sweep(recipe, grid(dim: [16, 32], drop: [0, 0.3]), split.train, validate: split.valid_warm)\nevaluate(best.score, split.test_warm)") { a, s in
            .object(try sweep(a, s).run())
        })
        r.add(SweepObject.typeName, [
            .property("score", "The best trial's fitted model.") { (w: SweepObject) in .object(w.score) },
            .property("history", "The best trial's training history.") { (w: SweepObject) in .object(HistoryObject(w.history, score: w.score)) },
            .property("best", "The best trial's settings, as a list of \"name=value\".") { (w: SweepObject) in
                .list(w.trials[w.best].settings.map { .string("\($0.name)=\($0.value.display)") })
            },
            .property("selected", "The best trial's validation figure.") { (w: SweepObject) in .number(w.trials[w.best].selected) },
        ])
    }

    static func sweep(_ a: Arguments, _ s: Session) throws -> Sweep {
        guard case .object(let f as FunctionObject)? = a.value("recipe") else {
            throw LangError(.type, "sweep: recipe must be a function, e.g. (dim = 32) -> bpr(…), got \(a.value("recipe")?.typeName ?? "nothing")",
                            a.span("recipe"))
        }
        let train = try a.object("train", EventsObject.self)
        TestPartWarning.check(train, "sweep", "trains on", s)
        let weight = try a.number("cold_weight")
        guard weight >= 0 && weight <= 1 else { throw LangError(.argument, "sweep: cold_weight must be from 0 to 1", a.span("cold_weight")) }
        return Sweep(recipe: f, space: try a.object("space", SearchSpaceObject.self), train: train,
                     validation: try validation(a, train: train, s),
                     select: try a.choice("select", ["all", "warm", "cold", "mix"]), coldWeight: weight,
                     k: try a.int("k", min: 1),
                     defaults: (lr: try a.number("lr"), batch: try a.int("batch", min: 1),
                                epochs: try a.int("epochs", min: 1), patience: try a.int("patience", min: 1),
                                optimizer: try a.choice("optimizer", ["adagrad", "adam", "sgd"])),
                     session: s, span: a.callSpan)
    }

    /// The validation events: one events value, or a list of them (warm and cold together).
    static func validation(_ a: Arguments, train: EventsObject, _ s: Session) throws -> Events {
        var parts: [EventsObject] = []
        switch a.value("validate") {
        case .object(let e as EventsObject)?: parts = [e]
        case .list(let items)?:
            for v in items {
                guard case .object(let e as EventsObject) = v else {
                    throw LangError(.type, "sweep: validate must list events, found \(v.typeNameWithArticle)", a.span("validate"))
                }
                parts.append(e)
            }
        default: throw LangError(.type, "sweep: validate must be events (e.g. split.valid_cold) or a list of them", a.span("validate"))
        }
        var all = Events()
        for p in parts {
            TestPartWarning.check(p, "sweep", "validates on", s)
            guard p.users == train.users && p.items == train.items else {
                throw LangError(.argument, "sweep: \(p.name) is not from the training events' dataset", a.span("validate"))
            }
            all = all.followed(by: p.events)
        }
        guard !all.isEmpty else { throw LangError(.argument, "sweep: the validation events are empty", a.span("validate")) }
        return all
    }
}
