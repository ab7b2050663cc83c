import Foundation
import Model

enum DataBuiltins {
    /// What a missing dataset's participant needs to know: the datasets the data directory
    /// holds, and how to read or fetch others.
    static func datasetsHint(_ dataDirectory: String) -> String {
        let fm = FileManager.default
        let ratings = ["u.data", "ratings.dat", "ratings.csv"]
        let found = ((try? fm.contentsOfDirectory(atPath: dataDirectory)) ?? []).sorted().filter { name in
            ratings.contains { fm.fileExists(atPath: (dataDirectory as NSString).appendingPathComponent(name + "/" + $0)) }
        }
        let holds = fm.fileExists(atPath: dataDirectory)
            ? (found.isEmpty ? "the data directory \(dataDirectory) holds no MovieLens dataset"
                             : "the data directory \(dataDirectory) holds " + found.map { "\"\($0)\"" }.joined(separator: ", "))
            : "the data directory \(dataDirectory) does not exist"
        return holds + "; rec --data DIR (or $REC_DATA) reads another, and scripts/fetch-data downloads the MovieLens datasets"
    }

    static func register(_ r: inout Registry) {
        r.add(Builtin("movielens", [Parameter("dir", "path"), Parameter("plots", "path", default: "none", keywordOnly: true),
                                    Parameter("positive", "number", default: "4", keywordOnly: true)],
                      summary: "Load a MovieLens dataset (ML-100K, ML-1M/10M or ml-latest, detected) and its plots.",
                      doc: "Ratings at or above `positive` are the events the models learn from. Plots: movieId<TAB>plot (.tsv) or movieId::plot (.dat).",
                      example: "ml = movielens(\"ml-100k\", plots: \"ml-100k/plots.tsv\", positive: 4)") { a, s in
            let plots = a.has("plots") ? s.resolvePath(try a.string("plots")) : nil
            let directory = s.resolvePath(try a.string("dir")), positive = try a.float("positive")
            let data: MovieLens
            do {
                data = try MovieLens.load(directory: directory, plots: plots, positive: positive, monitor: SessionMonitor(s))
            } catch let e as DataError where !FileManager.default.fileExists(atPath: directory) {
                throw LangError(.runtime, "\(e)", a.span("dir"), hint: datasetsHint(s.dataDirectory))
            }
            if data.events.count == 0 && data.ratings.count > 0 {
                s.warn("no rating is at or above positive: \(Value.format(Double(positive))), so the dataset has no events to learn from")
            }
            if data.mergedDuplicates > 0 {
                let n = data.mergedDuplicates
                s.warn("\(n) duplicate rating\(n == 1 ? "" : "s") merged: a user rated the same movie more than once; the latest rating is kept")
            }
            return .object(DatasetObject(data))
        })
        r.add(Builtin("split_files", [Parameter("data", "dataset"), Parameter("train", "path", keywordOnly: true),
                                      Parameter("test_warm", "path", keywordOnly: true), Parameter("test_cold", "path", keywordOnly: true),
                                      Parameter("validation", "fraction", default: "0", keywordOnly: true),
                                      Parameter("valid_warm", "path", default: "\"\"", keywordOnly: true),
                                      Parameter("valid_cold", "path", default: "\"\"", keywordOnly: true)],
                      summary: "A split given as user<TAB>item files in original ids (to compare with other tools).",
                      doc: "validation: carve valid_warm and valid_cold from the training part as ml.split does (seeded): "
                        + "that share of the training items with a plot moves out whole, and of every other item that share of its events. "
                        + "valid_warm, valid_cold: read the validation parts from files instead (as split.save writes them), both or neither.",
                      example: "split = split_files(ml, train: \"split/train.tsv\", test_warm: \"split/test_warm.tsv\", test_cold: \"split/test_cold.tsv\", validation: 0.1)") { a, s in
            let d = try a.object("data", DatasetObject.self).data
            let share = try a.number("validation")
            let validWarm = try a.string("valid_warm"), validCold = try a.string("valid_cold")
            guard validWarm.isEmpty == validCold.isEmpty else {
                throw LangError(.argument, "give both valid_warm: and valid_cold:, or neither", nil)
            }
            guard validWarm.isEmpty || share == 0 else {
                throw LangError(.argument, "validation: carves new validation parts; with valid_warm: and valid_cold: leave it out", nil)
            }
            let split = try Split.load(d, train: OutputFiles.input(try a.string("train"), s),
                                       testWarm: OutputFiles.input(try a.string("test_warm"), s),
                                       testCold: OutputFiles.input(try a.string("test_cold"), s),
                                       validWarm: validWarm.isEmpty ? nil : OutputFiles.input(validWarm, s),
                                       validCold: validCold.isEmpty ? nil : OutputFiles.input(validCold, s))
            guard share != 0 else { return .object(SplitObject(split, d)) }
            return .object(SplitObject(try split.carvingValidation(d, fraction: share, seed: s.rng.next()), d))
        })
        r.add(Builtin("interactions", [Parameter("events", "events"), Parameter("normalize", "bool", default: "true", keywordOnly: true)],
                      summary: "Each item's users in events as a content matrix, [items, users] (rows of unit length unless normalize: false).",
                      doc: "The input of a denoising autoencoder over items: dropout(content(interactions(split.train)), 0.5) reconstructs an item's "
                        + "users from a corrupted copy of them. Items without events get zero rows.",
                      example: "dae = dense(dropout(content(interactions(split.train)), 0.5), 200, act: \"tanh\")") { a, _ in
            let e = try a.object("events", EventsObject.self)
            try a.limit("events", [e.items, e.users], "the \(e.items) items × \(e.users) users matrix")
            return .object(TensorObject(Variable(try Interactions.itemRows(e.events, users: e.users, items: e.items,
                                                                          unitLength: try a.bool("normalize")))))
        })
        registerDatasetMembers(&r)
    }

    /// The members of a dataset: its axes, events, plots, genres, years, titles and split.
    static func registerDatasetMembers(_ r: inout Registry) {
        r.add(DatasetObject.typeName, [
            .property("users", "The user axis (what embedding(ml.users, dim) indexes).") { (d: DatasetObject) in .object(AxisObject(.users, d.data.users.count, d.data)) },
            .property("items", "The item axis (what embedding(ml.items, dim) indexes).") { (d: DatasetObject) in .object(AxisObject(.items, d.data.items.count, d.data)) },
            .property("events", "All implicit events (ratings at or above the threshold).") { (d: DatasetObject) in .object(EventsObject(d.data.events, "events", d.data)) },
            .property("plots", "The plot text of each item.") { (d: DatasetObject) in .object(PlotsObject(d.data)) },
            .property("genres", "Genre flags of each item, [items, genres] (columns: the genre names sorted): content beside the plots.") { (d: DatasetObject) in
                .object(TensorObject(Variable(ItemMetadata.genreFlags(d.data).flags)))
            },
            .property("years", "Each item's release year from its title, [items, 1 + decades]: the year standardised, then a flag per decade (0s without a year).") { (d: DatasetObject) in
                .object(TensorObject(Variable(ItemMetadata.releaseYears(d.data).features)))
            },
            .property("release_dates", "When each item came out, where the catalogue says it to the month (ML-100K), [items, quarters + 1]: a flag per calendar quarter with ≥ 10 such releases, then the years since the first of them.") { (d: DatasetObject) in
                .object(TensorObject(Variable(try ItemMetadata.releaseQuarters(d.data).features)))
            },
            .method("title", [Parameter("item", "item index or movie id")], "The title of an item (by dense index).") { (d: DatasetObject, a: Arguments, _: Session) in
                let i = try a.int("item", min: 0)
                guard i < d.data.titles.count else { throw LangError(.runtime, "item \(i) is out of range for \(d.data.titles.count) items", a.span("item")) }
                return .string(d.data.titles[i])
            },
            .method("split", [Parameter("cold_items", "fraction", default: "0.2", keywordOnly: true),
                              Parameter("holdout", "fraction", default: "0.1", keywordOnly: true),
                              Parameter("validation", "fraction", default: "0.1", keywordOnly: true),
                              Parameter("temporal", "bool", default: "false", keywordOnly: true)],
                    "A seeded split: cold items, a per-item hold-out, validation parts carved the same way (or temporal).") { (d: DatasetObject, a: Arguments, s: Session) in
                let cold = try a.number("cold_items"), validation = try a.number("validation")
                if try a.bool("temporal") {
                    return .object(SplitObject(try Split.temporal(d.data, test: cold, validation: validation), d.data))
                }
                let holdout = try a.number("holdout")
                for (name, v) in [("cold_items", cold), ("holdout", holdout), ("validation", validation)] where !(v >= 0 && v < 1) {
                    throw LangError(.argument, "split: \(name) must be in [0, 1), got \(Value.format(v))", a.span(name))
                }
                guard cold + validation < 1 else {
                    throw LangError(.argument, "split: cold_items + validation must stay below 1, got \(Value.format(cold + validation))", a.callSpan)
                }
                // Cold items are drawn among the items with a plot (a cold item is known by its plot alone).
                if cold + validation > 0 && !d.data.plots.contains(where: { $0 != nil }) {
                    s.warn("split: cold items are drawn among the movies with a plot, and this dataset has none: the cold parts are empty "
                           + "(movielens(…, plots: \"…/plots.tsv\") reads them)")
                }
                return .object(SplitObject(try Split.random(d.data, coldItems: cold, holdout: holdout, validation: validation,
                                                            seed: s.rng.next()), d.data))
            },
        ])
        registerSplitsAndEvents(&r)
    }

    /// The members of splits and event sets.
    static func registerSplitsAndEvents(_ r: inout Registry) {
        r.add(SplitObject.typeName, [
            .property("train", "Training events.") { (s: SplitObject) in .object(EventsObject(s.split.train, "train", s.data)) },
            .property("test_warm", "Held-out events of items seen in training.") { (s: SplitObject) in .object(EventsObject(s.split.testWarm, "test_warm", s.data)) },
            .property("test_cold", "All events of the cold items.") { (s: SplitObject) in .object(EventsObject(s.split.testCold, "test_cold", s.data)) },
            .property("valid_warm", "Validation events of warm items (from the training part).") { (s: SplitObject) in .object(EventsObject(s.split.validWarm, "valid_warm", s.data)) },
            .property("valid_cold", "Validation events of items held out of training.") { (s: SplitObject) in .object(EventsObject(s.split.validCold, "valid_cold", s.data)) },
            .property("train_all", "Training events with both validation parts put back (to refit on once validation has chosen).") { (s: SplitObject) in
                .object(EventsObject(s.split.trainWithValidation, "train_all", s.data))
            },
            .property("cold_items", "The cold items (dense indices).") { (s: SplitObject) in .list(s.split.coldItems.map { .number(Double($0)) }) },
            .method("save", [Parameter("dir", "path"), OutputFiles.overwrite],
                    "Write the split as user<TAB>item files in original ids, as one set atomically (replaces only a split rec wrote, or with overwrite: true).") { (s: SplitObject, a: Arguments, session: Session) in
                try OutputFiles.write(a, session, kind: .split, argument: "dir") { try s.split.save(to: $0, data: s.data) }
                return .none
            },
        ])
        r.add(EventsObject.typeName, [
            .property("count", "How many events.") { (e: EventsObject) in .number(Double(e.events.count)) },
        ])
    }
}
