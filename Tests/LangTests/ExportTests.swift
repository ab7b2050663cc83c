import XCTest
import Foundation
@testable import Lang
import Model

/// `export`: each kind of result as CSV and JSON with its exact numbers, tensors as `.npy` in
/// every dtype and as CSV, and the refusals that name the argument.
final class ExportTests: XCTestCase {
    static let repoData = FileBuiltinTests.repoData
    var dir = ""
    var previous = ""

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "rec-export-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        previous = FileManager.default.currentDirectoryPath
        XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(dir))
    }

    override func tearDownWithError() throws {
        FileManager.default.changeCurrentDirectoryPath(previous)
        try? FileManager.default.removeItem(atPath: dir)
    }

    /// A fitted demo model with validation (seeded).
    func fitted() -> Session {
        let s = Session(seed: 3, dataDirectory: Self.repoData)
        let out = run(s, """
            ml = movielens("demo", plots: "demo/plots.tsv")
            split = ml.split(cold_items: 0.2, holdout: 0.1, validation: 0.1)
            score = dot(embedding(ml.users, 8), embedding(ml.items, 8, dropout: 0.2))
            hist = fit(bpr(score, negatives: 8), split.train, adagrad(lr: 0.05), epochs: 4, validate: split.valid_warm, patience: 1)
            """)
        XCTAssertFalse(out.contains { $0.hasPrefix("error") }, "\(out)")
        return s
    }

    /// What each statement printed ("" for an assignment), or its error.
    @discardableResult
    func run(_ s: Session, _ source: String) -> [String] {
        s.run(source, origin: "test", stopOnError: false).map { r in
            r.error.map { "error: " + $0.message } ?? (r.name != nil ? "" : r.value?.display ?? "")
        }
    }

    func object<T>(_ s: Session, _ name: String, _: T.Type) throws -> T {
        guard case .object(let o as T)? = s.variables[name] else { throw XCTSkip("no \(name)") }
        return o
    }

    /// A file's CSV rows (no quoted fields expected), header first, and its JSON records.
    func csv(_ name: String) throws -> [[String]] {
        let text = try String(contentsOfFile: dir + "/" + name, encoding: .utf8)
        XCTAssertTrue(text.hasSuffix("\r\n"), "RFC 4180 line ends")
        return text.split(separator: "\r\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }

    func json(_ name: String) throws -> [[String: Any]] {
        let data = try Data(contentsOf: URL(fileURLWithPath: dir + "/" + name))
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
    }

    /// The numbers under `key` in a JSON file, read from their text: Foundation's JSON parser
    /// rounds some decimals to a neighbouring double (the Python test reads them with `json`).
    func jsonNumbers(_ name: String, _ key: String) throws -> [Double?] {
        let text = try String(contentsOfFile: dir + "/" + name, encoding: .utf8)
        let pattern = try NSRegularExpression(pattern: "\"\(key)\": ([^,}]+)")
        return pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)).map { m in
            Range(m.range(at: 1), in: text).flatMap { Double(text[$0]) }
        }
    }

    func testEvaluationAndComparisonExportTheirExactMetrics() throws {
        let s = fitted()
        XCTAssertEqual(run(s, """
            e = evaluate(score, split.test_cold, k: 10)
            c = compare(hybrid: score, pop: baseline("popularity", split.train), on: split.test_warm)
            export(e, "e.csv")
            export(e, "e.json")
            export(c, "c.csv")
            export(c, "c.json")
            """).filter { !$0.isEmpty }, [])
        let e = try object(s, "e", EvaluationObject.self).evaluation
        let rows = try csv("e.csv")
        XCTAssertEqual(rows[0], ["model", "part", "k", "items", "recall", "ndcg", "mrr", "auc"])
        XCTAssertEqual(rows.count, 3, "the header, all, and cold (no warm items in test_cold)")
        XCTAssertEqual(Array(rows[1].prefix(4)), ["model", "all", "10", "\(e.all.items)"])
        XCTAssertEqual(rows[1].dropFirst(4).map { Double($0)! }, [e.all.recall, e.all.ndcg, e.all.mrr, e.all.auc])
        XCTAssertEqual(rows[2][1], "cold")
        let records = try json("e.json")
        XCTAssertEqual(try jsonNumbers("e.json", "ndcg"), [e.all.ndcg, e.cold.ndcg])
        XCTAssertEqual(records[1]["items"] as? Int, e.cold.items)
        let text = try String(contentsOfFile: dir + "/e.json", encoding: .utf8)
        XCTAssertTrue(text.hasPrefix("[\n  {\"model\": \"model\", \"part\": \"all\", \"k\": 10, "), text)

        let c = try object(s, "c", ComparisonObject.self).rows
        let crows = try csv("c.csv").dropFirst()
        XCTAssertEqual(crows.map { $0[0] + "/" + $0[1] }, ["hybrid/all", "hybrid/warm", "pop/all", "pop/warm"], "the model named on every record")
        XCTAssertEqual(try jsonNumbers("c.json", "ndcg"), [c[0].1.all.ndcg, c[0].1.warm.ndcg, c[1].1.all.ndcg, c[1].1.warm.ndcg])
        // The table shown is unchanged: the model once, k in the titles.
        XCTAssertTrue(run(s, "c")[0].hasPrefix("        part  items  recall@20  ndcg@20     mrr     auc\nhybrid  all "), run(s, "c")[0])
    }

    func testHistoryExportsEveryEpochWithValidationAndTheKeptOne() throws {
        let s = fitted()
        run(s, "export(hist, \"h.csv\")\nexport(hist, \"h.json\")\nh2 = fit(bpr(score, negatives: 8), split.train, epochs: 2)\nexport(h2, \"h2.csv\")")
        let h = try object(s, "hist", HistoryObject.self).history
        let rows = try csv("h.csv")
        XCTAssertEqual(rows[0], ["epoch", "loss", "k", "valid_recall", "valid_ndcg", "valid_mrr", "valid_auc", "seconds", "best"])
        XCTAssertEqual(rows.count - 1, h.epochs.count)
        XCTAssertEqual(rows.dropFirst().map { Double($0[1])! }, h.losses)
        XCTAssertEqual(rows.dropFirst().map { Double($0[4])! }, h.epochs.map { $0.validation!.ndcg })
        XCTAssertEqual(rows.dropFirst().map { $0[8] }, h.epochs.map { $0.epoch == h.bestEpoch ? "true" : "false" })
        let records = try json("h.json")
        XCTAssertEqual(records.map { $0["epoch"] as? Int }, h.epochs.map(\.epoch))
        XCTAssertEqual(try jsonNumbers("h.json", "seconds"), h.epochs.map(\.seconds))
        XCTAssertEqual(try jsonNumbers("h.json", "valid_auc"), h.epochs.map { $0.validation?.auc })
        XCTAssertEqual(try csv("h2.csv")[0], ["epoch", "loss", "seconds"], "no validation, no validation columns")
    }

    /// Track (c)'s history exports its preference and word-prediction losses apart.
    func testHistoryExportsTheLossesParts() throws {
        let s = fitted()
        XCTAssertEqual(run(s, """
            c = dot(embedding(ml.users, 8), embedding(ml.items, 8) + dense(paragraph_encoder(ml.plots, dim: 8, weight: 0.25), 8))
            hc = fit(bpr(c, negatives: 8), split.train, epochs: 2)
            export(hc, "hc.csv")
            """).filter { $0.hasPrefix("error") }, [])
        let rows = try csv("hc.csv")
        XCTAssertEqual(rows[0], ["epoch", "loss", "preference_loss", "word_prediction_loss", "seconds"])
        for r in rows.dropFirst() {
            let x = r.prefix(4).dropFirst().map { Double($0)! }
            XCTAssertEqual(x[1] + 0.25 * x[2], x[0], accuracy: 1e-5)
        }
    }

    func testRecommendationsExportUsersScoresAndReasons() throws {
        let s = fitted()
        run(s, "r = recommend(score, 5, top: 4)\nexport(r, \"r.csv\")\nexport(r, \"r.json\")")
        let r = try object(s, "r", RecommendationsObject.self)
        let records = try json("r.json")
        XCTAssertEqual(records.map { $0["rank"] as? Int }, [1, 2, 3, 4])
        XCTAssertEqual(records.map { $0["user"] as? Int }, r.items.map { r.data.users.ids[Int($0.user)] })
        // float32 scores as their shortest decimal: they read back as the same float32.
        XCTAssertEqual(try jsonNumbers("r.json", "score").map { $0.map(Float.init) }, r.items.map(\.score))
        XCTAssertEqual(records[0]["liked"] as? String, r.items[0].because.map { r.data.titles[Int($0)] }.joined(separator: "; "))
        XCTAssertEqual(records[0]["query"] as? String, r.data.titles[5])
        XCTAssertEqual(try csv("r.csv")[0], ["query", "rank", "user", "score", "liked"])
    }

    func testSweepAndVarsExportTheirTables() throws {
        let s = fitted()
        XCTAssertEqual(run(s, """
            recipe = (dim = 4, drop = 0) -> bpr(dot(embedding(ml.users, dim), embedding(ml.items, dim, dropout: drop)), negatives: 4)
            best = sweep(recipe, grid(dim: [2, 4], drop: [0, 0.5]), split.train, validate: split.valid_warm, epochs: 1)
            export(best, "sweep.csv")
            export(best, "sweep.json")
            export(vars(), "vars.json")
            """).filter { $0.hasPrefix("error") }, [])
        let w = try object(s, "best", SweepObject.self)
        let records = try json("sweep.json")
        XCTAssertEqual(records.count, 4)
        XCTAssertEqual(try csv("sweep.csv")[0], ["trial", "k", "dim", "drop", "epochs_kept", "ndcg_all", "ndcg_warm", "ndcg_cold", "selected", "seconds", "best"])
        XCTAssertEqual(records.map { $0["dim"] as? Int }, [2, 2, 4, 4])
        XCTAssertEqual(records.map { $0["drop"] as? Double }, [0, 0.5, 0, 0.5])
        XCTAssertEqual(try jsonNumbers("sweep.json", "selected"), w.trials.map(\.selected))
        XCTAssertEqual(records.map { $0["best"] as? Bool }, (0..<4).map { $0 == w.best })
        XCTAssertTrue(records.allSatisfy { $0["ndcg_cold"] is NSNull }, "no cold items in valid_warm: null, not a string")
        let vars = try json("vars.json")
        XCTAssertEqual(vars.first { $0["name"] as? String == "hist" }?["type"] as? String, "history")
        XCTAssertEqual(vars.map { $0["name"] as? String }, s.variables.keys.sorted().map { $0 })
    }

    func testTensorsGoToNPYInEveryWritableDtypeAndToCSV() throws {
        let s = fitted()
        run(s, "t = tensor([[0, 1, 2], [3, 100, 1]])")
        run(s, "flags = tensor([[0, 1, 1], [1, 0, 0]])")
        for dtype in NPY.DType.writable {
            let name = dtype.kind == .bool ? "flags" : "t"
            XCTAssertEqual(run(s, "export(\(name), \"t_\(dtype).npy\", dtype: \"\(dtype)\")\nback = load(\"t_\(dtype).npy\")\nback.shape"), ["", "", "[2, 3]"])
            let loaded = try NPY.load(dir + "/t_\(dtype).npy")
            XCTAssertEqual(loaded.dtype, dtype)
            XCTAssertEqual(loaded.tensor.scalars, dtype.kind == .bool ? [0, 1, 1, 1, 0, 0] : [0, 1, 2, 3, 100, 1], "\(dtype)")
            let bytes = try XCTUnwrap(FileManager.default.contents(atPath: dir + "/t_\(dtype).npy"))
            XCTAssertEqual(bytes.count, 128 + 6 * dtype.width, "\(dtype): a 64-byte-aligned header, then the data")
        }
        XCTAssertEqual(run(s, "export(t, \"b.npy\", dtype: \"bool\")").last, "error: export: x: the value 2 at [0, 2] does not fit bool, which holds only 0 and 1")
        XCTAssertEqual(run(s, "export(t, \"i.npy\", dtype: \"int8\")\nexport(t * 2, \"i.npy\", dtype: \"int8\", overwrite: true)").last,
                       "error: export: x: the value 200 at [1, 1] does not fit int8, which holds whole numbers from -2^7 to 2^7 − 1")
        XCTAssertEqual(try NPY.read(dir + "/i.npy").scalars, [0, 1, 2, 3, 100, 1], "a refused export leaves the file as it was")
        run(s, "v = score.item_vectors\nexport(v, \"items.npy\")\nexport(v, \"items.csv\")\nexport(tensor([0.1, -2.5e-7, 3]), \"vec.csv\")")
        let v = try object(s, "v", TensorObject.self).tensor
        XCTAssertEqual(v.shape, Shape(600, 8))
        XCTAssertEqual(try NPY.read(dir + "/items.npy").scalars, v.scalars)
        let rows = try csv("items.csv")
        XCTAssertEqual(rows[0], (0..<8).map(String.init))
        XCTAssertEqual(rows.dropFirst().flatMap { $0.map { Float($0)! } }, v.scalars, "shortest decimals read back exactly")
        XCTAssertEqual(try String(contentsOfFile: dir + "/vec.csv", encoding: .utf8), "0\r\n0.1\r\n-2.5e-07\r\n3\r\n")
    }

    /// The item vectors are what scores are dot products of.
    func testItemAndUserVectorsGiveTheModelsScores() throws {
        let s = fitted()
        let score = try object(s, "score", ScoreObject.self).model
        let items = try score.vectors(of: .items), users = try score.vectors(of: .users)
        let product = try items.matmul(users, transposeOther: true)
        let scores = try score.scores(items: (0..<Int32(score.items)).map { $0 })
        let bias = score.bias?.value
        for i in stride(from: 0, to: score.items, by: 37) {
            for u in stride(from: 0, to: score.users, by: 11) {
                XCTAssertEqual(product[flat: i * score.users + u] + (bias?[flat: u] ?? 0), scores[flat: i * score.users + u], accuracy: 1e-5)
            }
        }
    }

    func testWrongKindsAndFormatsAreRefusedNamingTheArgument() throws {
        let s = fitted()
        // (statement, error, the text its caret underlines)
        let cases: [(String, String, String)] = [
            ("export(hist, \"h.npy\")", "export: a history is a table of records: write it as .csv or .json (.npy holds tensors)", "hist"),
            ("export(tensor([1]), \"t.json\")", "export: a tensor goes to .npy (or, up to a matrix, .csv), not .json", "tensor([1])"),
            ("export(ones([2, 2, 2]), \"t.csv\")", "export: a [2, 2, 2] tensor has no rows and columns for .csv: write it as .npy", "ones([2, 2, 2])"),
            ("export(hist, \"h.txt\")", "export: the path must end in .csv, .json or .npy (the format comes from it), got \"h.txt\"", "\"h.txt\""),
            ("export(hist, \"h.csv\", dtype: \"int8\")", "export: dtype is for .npy files; a .csv file holds numbers as exact text", "\"int8\""),
            ("export(tensor([1]), \"t.npy\", dtype: \"float16\")",
             "export: rec reads float16 but does not write it; dtype must be one of float32, float64, int8, int16, int32, int64, uint8, uint16, uint32, uint64, bool, got \"float16\"",
             "\"float16\""),
            ("export(score, \"s.csv\")",
             "export: x must be a tensor or a result (evaluate, compare, fit's history, recommend, sweep, vars()), got a score (its vectors are score.item_vectors and score.user_vectors)",
             "score"),
        ]
        for (source, message, underlined) in cases {
            let e = s.run(source, origin: "test", stopOnError: false).first?.error
            XCTAssertEqual(e?.message, message, source)
            let span = e?.span
            XCTAssertEqual(span.map { String(source.dropFirst($0.column - 1).prefix($0.length)) }, underlined, source)
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), [], "nothing written")
        run(s, "export(hist, \"h.csv\")")
        XCTAssertEqual(run(s, "export(hist, \"h.csv\")").last, "", "the session's own file is written again")
        try "theirs".write(toFile: dir + "/t.csv", atomically: true, encoding: .utf8)
        XCTAssertEqual(run(s, "export(hist, \"t.csv\")").last, "error: export: t.csv exists (rec cannot tell its own .csv files from others); pass overwrite: true to replace it")
        XCTAssertEqual(run(s, "export(hist, \"t.csv\", overwrite: true)").last, "")
        s.readOnly = true
        XCTAssertEqual(run(s, "export(hist, \"h.json\")").last, "error: export: this session is read-only (rec run --read-only): nothing is written")
    }
}
