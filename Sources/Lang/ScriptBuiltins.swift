import Foundation
import Model

/// What a shipped script needs to run as given or with `rec run --set name=value`, without
/// conditionals in the language: a setting with a default, a split that is either the
/// script's own or one read from a folder, and picking the best of several scorers on validation.
enum ScriptBuiltins {
    static func register(_ r: inout Registry) {
        r.add(Builtin("setting", [Parameter("name", "string"), Parameter("default", "value")],
                      summary: "The variable name if it is defined (e.g. by rec run --set name=value), else the default.",
                      example: "split_dir = setting(\"split_dir\", \"\")") { a, s in
            s.variables[try a.string("name")] ?? a.value("default") ?? .none
        })
        r.add(Builtin("split_or_files", [Parameter("data", "dataset"), Parameter("dir", "path or \"\""),
                                         Parameter("cold_items", "fraction", default: "0.2", keywordOnly: true),
                                         Parameter("holdout", "fraction", default: "0.1", keywordOnly: true),
                                         Parameter("validation", "fraction", default: "0.1", keywordOnly: true)],
                      summary: "dir \"\": the seeded split data.split(…); else dir's train.tsv, test_warm.tsv, test_cold.tsv with validation carved from train.",
                      doc: "When dir also holds valid_warm.tsv and valid_cold.tsv with events (split.save writes them), those are the validation parts and nothing is carved.",
                      example: "split = split_or_files(ml, setting(\"split_dir\", \"\"), validation: 0.1)") { a, s in
            let d = try a.object("data", DatasetObject.self).data
            let dir = try a.string("dir"), validation = try a.number("validation")
            guard !dir.isEmpty else {
                return .object(SplitObject(try Split.random(d, coldItems: try a.number("cold_items"),
                                                            holdout: try a.number("holdout"),
                                                            validation: validation, seed: s.rng.next()), d))
            }
            let base = OutputFiles.input(dir, s) + "/", n = Split.fileNames
            // The validation parts another tool tuned on, when they were saved with the split.
            let both = [n.validWarm, n.validCold].allSatisfy { FileManager.default.fileExists(atPath: base + $0) }
            let split = try Split.load(d, train: base + n.train, testWarm: base + n.testWarm, testCold: base + n.testCold,
                                       validWarm: both ? base + n.validWarm : nil, validCold: both ? base + n.validCold : nil)
            let saved = split.validWarm.count + split.validCold.count > 0
            guard !saved, validation != 0 else { return .object(SplitObject(split, d)) }
            return .object(SplitObject(try split.carvingValidation(d, fraction: validation, seed: s.rng.next()), d))
        })
        r.add(Builtin("best_of", [Parameter("on", "events", keywordOnly: true),
                                  Parameter("part", "\"warm\", \"cold\" or \"all\"", default: "\"all\"", keywordOnly: true),
                                  Parameter("k", "whole number", default: "20", keywordOnly: true)],
                      summary: "Evaluate named scores or baselines on (validation) events, print the table, return the one with the best ndcg@k.",
                      example: "ease = best_of(l100: baseline(\"ease\", split.train, lambda: 100), l300: baseline(\"ease\", split.train, lambda: 300), on: split.valid_warm, part: \"warm\")",
                      freeKeywords: true, named: "name: score") { a, s in
            let part = try a.choice("part", ["warm", "cold", "all"])
            TestPartWarning.check(try a.object("on", EventsObject.self), "best_of", "chooses on", s)
            let table = try FileBuiltins.comparison(a, s)
            let chosen = MetricsTable.part(part)
            func metric(_ e: Evaluation) -> Double { e[keyPath: chosen].ndcg }
            // A part with no items reads 0 for every candidate: the first would win on nothing.
            if let e = table.rows.first?.1, e[keyPath: chosen].items == 0 {
                throw LangError(.argument, "best_of: on: has no \(part == "all" ? "" : part + " ")items to choose by", a.span("on"),
                                hint: part == "all" ? nil : "choose on split.valid_\(part), or part: to match on:")
            }
            guard let best = table.rows.indices.max(by: { metric(table.rows[$0].1) < metric(table.rows[$1].1) }) else { return .none }
            s.emit(.value(.object(table)))
            s.emit(.note("best_of: \(table.rows[best].0) (\(part) ndcg@\(table.rows[best].1.k) \(String(format: "%.4f", metric(table.rows[best].1))))"))
            return a.extra[best].value
        })
    }
}
