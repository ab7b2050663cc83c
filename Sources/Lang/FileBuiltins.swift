import Foundation
import Model

enum FileBuiltins {
    /// Restores a checkpoint into a score, fitted: its training pairs come back (evaluation
    /// excludes them, the towers learn again which ids were seen). The optimizer state goes
    /// into the given optimizer, else into the score's own when it is of the saved kind.
    static func load(_ path: String, into score: ScoreObject, optimizer given: (any Optimizer)?, _ s: Session) throws {
        let loaded = try Checkpoint.load(into: score.model, optimizer: given ?? score.optimizer, from: path,
                                         userIds: score.data?.users.ids, itemIds: score.data?.items.ids,
                                         strictOptimizer: given != nil)
        score.train = loaded.train
        if let train = loaded.train { score.model.observe(train) }
        score.optimizer = given ?? (loaded.optimizerRestored ? score.optimizer : nil)
        // The state is in the file but went nowhere: saying so keeps a later save from
        // quietly writing the model without it.
        let broken = score.model.parameters.reduce(0) { let n = $1.value.nonFinite; return $0 + n.nan + n.infinite }
        if broken > 0 {  // saved from a model that had diverged: every score it gives will be refused
            s.warn("load: \(path) holds \(broken) NaN or infinite parameter value\(broken == 1 ? "" : "s"): the model was saved after it diverged")
        }
        let saved = loaded.contents.optimizerSteps > 0 || loaded.contents.optimizerSlots.contains { !$0.isEmpty }
        if !loaded.optimizerRestored, let kind = loaded.contents.optimizer, saved {
            s.warn("load: \(path) holds the state of its \(kind) optimizer, not restored: give optimizer: "
                   + "(\(kind.lowercased())(lr: …)) to continue its training; without it a fit starts a fresh optimizer and a save keeps none")
        }
    }

    /// The rows of `compare` (and `best_of`): each named score or baseline evaluated on `on:`.
    static func comparison(_ a: Arguments, _ s: Session) throws -> ComparisonObject {
        let events = try a.object("on", EventsObject.self)
        guard !a.extra.isEmpty else { throw LangError(.argument, "\(a.callee) needs scores to compare, as name: score", a.callSpan) }
        var rows: [(String, Evaluation)] = []
        for (name, value, span) in a.extra {
            let (scorer, train) = try scorer(value, name, span, "compare")
            try sameDataset(scorer, train: train, as: events, name, span, a.callee)
            let k = try TrainingBuiltins.rankingDepth(a, users: scorer.users, s)
            let e = try TrainingBuiltins.ranking(a, name, at: span) {
                try Evaluator.evaluate(scorer, test: events.events, train: train, items: events.items, k: k, threads: s.threads, monitor: SessionMonitor(s))
            }
            TrainingBuiltins.warnLeftOut(e, name, a.callee, s)
            rows.append((name, e))
        }
        return ComparisonObject(rows)
    }

    /// A model ranks the users of the dataset it was fitted on: events of another dataset would
    /// be ranked against the wrong users (or index past its items) and read as figures.
    static func sameDataset(_ scorer: any UserScorer, train: Events, as events: EventsObject, _ name: String, _ span: SourceSpan,
                            _ callee: String) throws {
        // A model knows its items; a baseline, the items its training events name.
        let itemsFit = (scorer as? ScoreModel).map { $0.items == events.items } ?? train.items.allSatisfy { Int($0) < events.items }
        guard scorer.users == events.users, itemsFit else {
            throw LangError(.argument, "\(callee): \(name) ranks the \(scorer.users) users of the dataset it was fitted on; "
                            + "\(events.name) is of a dataset with \(events.users) users and \(events.items) items", span,
                            hint: "evaluate a model on events of its own dataset (its split's parts)")
        }
    }

    /// A fitted score's or a baseline's scorer and the events it was trained on.
    /// The dataset a score or baseline indexes, when known.
    static func dataset(of value: Value) -> MovieLens? {
        switch value {
        case .object(let b as BaselineObject): return b.data
        case .object(let score as ScoreObject): return score.data
        default: return nil
        }
    }

    static func scorer(_ value: Value, _ name: String, _ span: SourceSpan, _ callee: String) throws -> (any UserScorer, Events) {
        switch value {
        case .object(let b as BaselineObject): return (b.scorer, b.train)
        case .object(let score as ScoreObject):
            guard let t = score.train else { throw LangError(.runtime, "\(callee): \(name) has not been fitted yet", span) }
            return (score.model, t)
        default: throw LangError(.type, "\(callee): \(name) must be a score or a baseline, got \(value.typeName)", span)
        }
    }

    static func register(_ r: inout Registry) {
        registerFiles(&r)
        registerCharts(&r)
    }

    /// save, load, export: models and tensors to and from files.
    static func registerFiles(_ r: inout Registry) {
        r.add(Builtin("save", [Parameter("x", "score or tensor"), Parameter("path", "path"), OutputFiles.overwrite],
                      summary: "Save a model (parameters, optimizer state, id maps, training pairs) or a tensor (.npy; a paragraph-vector matrix to .pv with its model), atomically; replaces an existing file only if rec wrote it (a checkpoint, a .pv), or with overwrite: true.",
                      doc: "load(path, into: score) restores a model of the same structure exactly, fitted: evaluate and recommend work right away. "
                        + "A path ending in .pv keeps paragraph_vectors(…)'s matrix with its vocabulary, word vectors and settings: load(\"plots.pv\") infers new plots exactly as before. "
                        + "The path is relative to the current directory. The same model always gives the same bytes.",
                      example: "save(score, \"hybrid.ckpt\")") { a, s in
            switch a.value("x") {
            case .object(let score as ScoreObject)?:
                // A checkpoint under a tensor's or a vectors' extension would be read back as one and refused.
                let path = try a.string("path"), ext = (path as NSString).pathExtension.lowercased()
                if ["npy", "pv", "csv", "json"].contains(ext) {
                    throw LangError(.argument, "save: a model is saved as a checkpoint, not as .\(ext)", a.span("path"),
                                    hint: "save(score, \"model.ckpt\") (a tensor is what saves as .npy)")
                }
                try OutputFiles.write(a, s, kind: .checkpoint) {
                    try Checkpoint.save(score.model, optimizer: score.optimizer, to: $0, userIds: score.data?.users.ids ?? [],
                                        itemIds: score.data?.items.ids ?? [], vocabulary: score.model.vocabulary?.words, train: score.train)
                }
            case .object(let t as TensorObject)? where try a.string("path").hasSuffix(".pv"):
                try ParagraphVectorBuiltins.save(t, a, s)
            case .object(let t as TensorObject)?:
                try OutputFiles.write(a, s, kind: .unmarked("npy")) { try NPY.write(t.tensor, to: $0) }
            default:
                throw LangError(.type, "save: x must be a score or a tensor, got \(a.value("x")?.typeName ?? "nothing")", a.span("x"))
            }
            return .none
        })
        r.add(Builtin("load", [Parameter("path", "path"), Parameter("into", "score", default: "none", keywordOnly: true),
                               Parameter("optimizer", "optimizer", default: "none", keywordOnly: true),
                               Parameter("pv", "path", default: "none", keywordOnly: true)],
                      summary: "Load a tensor from .npy (any numeric dtype, 0 to 4 axes, into float32), a paragraph-vector matrix from .pv, or a checkpoint into a model of the same structure (into: score), fitted; another dataset's checkpoint is refused.",
                      doc: "The model comes back fitted (evaluate and recommend work at once); optimizer: opt also restores the optimizer's state into opt. "
                        + "A checkpoint of another structure or another dataset is refused. A .pv file (save(pv, \"plots.pv\")) comes back able to infer new plots; "
                        + "pv: \"plots.pv\" gives a .npy matrix that file's vocabulary and word vectors, so infer and content(…) read new plots with it. "
                        + "The path is looked up in the current directory, then in the data directory.",
                      example: "load(\"hybrid.ckpt\", into: score)") { a, s in
            let path = OutputFiles.input(try a.string("path"), s)
            if let score = try a.optionalObject("into", ScoreObject.self) {
                try FileBuiltins.load(path, into: score, optimizer: try a.optionalObject("optimizer", OptimizerObject.self)?.optimizer, s)
                return .object(score)
            }
            if Checkpoint.isCheckpoint(path) {
                throw LangError(.argument, "load: \(try a.string("path")) is a checkpoint: it loads into a model built as the saved one was", a.span("path"),
                                hint: "load(\"\(try a.string("path"))\", into: score)")
            }
            let pv = a.has("pv") ? try a.string("pv") : nil
            return try ParagraphVectorBuiltins.load(path, pv: pv, a, s) ?? Export.load(path, s)
        })
        r.add(Builtin("export", Export.parameters,
                      summary: "Write a result (evaluate, compare, fit's history, recommend, sweep, vars()) as .csv or .json, or a tensor as .npy (dtype: float32 unless told) or .csv; atomically, replacing a file only with overwrite: true.",
                      doc: "The format comes from the extension. CSV: a header row of column names, a row per record (RFC 4180 quoting). "
                        + "JSON: an array of objects, one per record (pandas.read_json reads it); NaN and missing values are null. "
                        + "Numbers are exact. A tensor's .csv has a row per row, columns named 0, 1, …. The path is relative to the current directory.",
                      example: "export(evaluate(score, split.test_cold), \"cold.csv\")") { a, s in
            try Export.run(a, s)
        })
    }

    /// plot and compare: a history as a chart, several models in one table.
    static func registerCharts(_ r: inout Registry) {
        r.add(Builtin("plot", [Parameter("history", "history"), Parameter("path", "path", default: "none"), OutputFiles.overwrite],
                      summary: "The loss (and validation ndcg) per epoch as a chart: in text, or an SVG file given a path (replaces only a chart rec drew, or with overwrite: true).",
                      doc: "The path is relative to the current directory.",
                      example: "plot(hist, \"loss.svg\")") { a, s in
            let h = try a.object("history", HistoryObject.self).history
            guard !h.epochs.isEmpty else { throw LangError(.runtime, "plot: the history has no epochs", a.span("history")) }
            if a.has("path") {
                try OutputFiles.write(a, s, kind: .chart) { try ChartFile.write(SVGChart.render(HistoryObject.chart(of: h)), to: $0) }
                return .none
            }
            return .object(ChartObject(text: TextChart.render(h.losses, title: "loss per epoch"), chart: HistoryObject.chart(of: h)))
        })
        r.add(Builtin("compare", [Parameter("on", "events", keywordOnly: true), Parameter("k", "whole number", default: "20", keywordOnly: true)],
                      summary: "Evaluate several fitted scores and baselines on the same events: one table.",
                      example: "compare(hybrid: score, popularity: baseline(\"popularity\", split.train), on: split.test_cold)",
                      freeKeywords: true, named: "name: score") { a, s in
            .object(try comparison(a, s))
        })
    }
}

/// A small text chart (rows of blocks) for a series.
enum TextChart {
    static func render(_ values: [Double], title: String, height: Int = 8) -> String {
        guard let lo = values.min(), let hi = values.max() else { return title }
        let span = hi > lo ? hi - lo : 1
        var rows: [String] = []
        for level in stride(from: height, to: 0, by: -1) {
            let threshold = lo + span * Double(level - 1) / Double(height)
            let label = level == height ? String(format: "%9.4f ┤", hi) : level == 1 ? String(format: "%9.4f ┤", lo) : "          │"
            rows.append(label + values.map { $0 > threshold || (level == 1) ? "█" : " " }.joined(separator: " "))
        }
        rows.append("           " + (1...values.count).map { $0 % 5 == 0 ? "╵" : "─" }.joined(separator: "─"))
        return title + " (\(values.count) epochs)\n" + rows.joined(separator: "\n")
    }
}
