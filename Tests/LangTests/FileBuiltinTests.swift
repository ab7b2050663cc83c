import XCTest
import Foundation
@testable import Lang
import Model

/// Files through the language: a checkpoint loads back fitted; output paths are relative to
/// the current directory; rec replaces only its own files unless told; a read-only session
/// writes nothing; a long load stops at Ctrl-C and the session goes on.
final class FileBuiltinTests: XCTestCase {
    static let repoData = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Data").path
    var dir = ""

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "rec-files-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }

    /// Runs statements and returns what each printed, or its error message.
    @discardableResult
    func run(_ session: Session, _ source: String) -> [String] {
        session.run(source, origin: "test", stopOnError: false).map { r in
            if let e = r.error { return "error: " + e.message }
            if let name = r.name { return "\(name) bound" }
            return r.value?.display ?? ""
        }
    }

    let fitDemo = """
        seed(3)
        ml = movielens("demo", plots: "demo/plots.tsv")
        split = ml.split(cold_items: 0.2, holdout: 0.1, validation: 0.1)
        pv = paragraph_vectors(ml.plots, dim: 8, epochs: 2)
        score = dot(embedding(ml.users, 8), embedding(ml.items, 8, dropout: 0.2) + dense(content(pv), 8))
        hist = fit(bpr(score, negatives: 16), split.train, adagrad(lr: 0.05), epochs: 2)
        """

    func testLoadedCheckpointEvaluatesAndRecommendsLikeTheFittedModel() throws {
        let i = Session(seed: 3, dataDirectory: Self.repoData)
        XCTAssertFalse(run(i, fitDemo).contains { $0.hasPrefix("error") })
        let fresh = "dot(embedding(ml.users, 8), embedding(ml.items, 8, dropout: 0.2) + dense(content(pv), 8))"
        let out = run(i, """
            save(score, "\(dir)/m.ckpt")
            fresh = \(fresh)
            load("\(dir)/m.ckpt", into: fresh);
            evaluate(score, split.test_warm)
            evaluate(fresh, split.test_warm)
            evaluate(score, split.test_cold)
            evaluate(fresh, split.test_cold)
            recommend(score, 5, top: 4)
            recommend(fresh, 5, top: 4)
            recommend(fresh, plot: "A robot in space.", top: 3)
            save(score, "\(dir)/again.ckpt")
            """)
        XCTAssertFalse(out.contains { $0.hasPrefix("error") }, "\(out)")
        guard out.count == 11 else { return XCTFail("\(out)") }
        XCTAssertEqual(out[3], out[4])
        XCTAssertEqual(out[5], out[6])
        XCTAssertTrue(out[5].contains("cold"), out[5])
        XCTAssertEqual(out[7], out[8])
        XCTAssertTrue(out[9].hasPrefix("top 3 users for the plot"), out[9])
        // The same model saves to the same bytes.
        XCTAssertEqual(FileManager.default.contents(atPath: dir + "/m.ckpt"), FileManager.default.contents(atPath: dir + "/again.ckpt"))
        // A checkpoint saved before any fit loads unfitted.
        let unfitted = run(i, "u = \(fresh)\nsave(u, \"\(dir)/u.ckpt\")\nload(\"\(dir)/u.ckpt\", into: fresh);\nevaluate(fresh, split.test_warm)")
        XCTAssertEqual(unfitted.last, "error: this score has not been fitted yet: fit(…) it first")
    }

    /// Two datasets of the same size but other user ids, and one of another size.
    func writeDatasets() throws {
        for (name, users) in [("a", [1, 2, 3, 4]), ("b", [1, 2, 3, 9]), ("c", [1, 2, 3, 4, 5])] {
            let d = dir + "/" + name
            try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
            try (1...6).map { "\($0)::Movie \($0) (1990)::Drama\n" }.joined().write(toFile: d + "/movies.dat", atomically: true, encoding: .utf8)
            let ratings = users.flatMap { u in (1...6).filter { ($0 + u) % 2 == 0 }.map { "\(u)::\($0)::5::0\n" } }
            try ratings.joined().write(toFile: d + "/ratings.dat", atomically: true, encoding: .utf8)
        }
    }

    func testAnotherDatasetsCheckpointIsRefused() throws {
        try writeDatasets()
        let i = Session(seed: 1, dataDirectory: dir)
        let build = { (name: String) in "\(name) = movielens(\"\(name)\")\ns\(name) = dot(embedding(\(name).users, 4), embedding(\(name).items, 4))" }
        let out = run(i, [build("a"), build("b"), build("c"),
                          "h = fit(bpr(sa, negatives: 2), a.events, epochs: 1)",
                          "save(sa, \"\(dir)/a.ckpt\")",
                          "load(\"\(dir)/a.ckpt\", into: sb)",
                          "load(\"\(dir)/a.ckpt\", into: sc)"].joined(separator: "\n"))
        guard out.count == 10 else { return XCTFail("\(out)") }
        XCTAssertEqual(out[out.count - 2], "error: \(dir)/a.ckpt: was saved for another dataset: user 4 has id 4 there and 9 here")
        XCTAssertEqual(out[out.count - 1], "error: \(dir)/a.ckpt: was saved for 4 users and 6 items; this model has 5 users and 6 items (another dataset?)")
        XCTAssertEqual(run(i, "evaluate(sb, b.events)").last, "error: this score has not been fitted yet: fit(…) it first")
    }

    func testOutputsGoToTheCurrentDirectoryAndReplaceOnlyRecsOwnFiles() throws {
        let previous = FileManager.default.currentDirectoryPath
        XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(dir))
        defer { FileManager.default.changeCurrentDirectoryPath(previous) }
        let i = Session(seed: 3, dataDirectory: Self.repoData)
        run(i, fitDemo)
        try "my notes".write(toFile: dir + "/notes.ckpt", atomically: true, encoding: .utf8)
        try "<svg/>".write(toFile: dir + "/mine.svg", atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: dir + "/mine", withIntermediateDirectories: true)
        try "keep".write(toFile: dir + "/mine/keep.txt", atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: dir + "/empty", withIntermediateDirectories: true)
        let out = run(i, """
            export(tensor([[1, 2]]), "t.npy")
            export(tensor([[3, 4]]), "t.npy")
            export(tensor([[5, 6]]), "t.npy", overwrite: true)
            load("t.npy")
            save(score, "m.ckpt")
            save(score, "m.ckpt")
            save(score, "notes.ckpt")
            plot(hist, "loss.svg")
            plot(hist, "loss.svg")
            plot(hist, "mine.svg")
            split.save("split")
            split.save("split")
            split.save("mine")
            split.save("empty")
            save(score, "split")
            again = split_files(ml, train: "split/train.tsv", test_warm: "split/test_warm.tsv", test_cold: "split/test_cold.tsv")
            """)
        // The second export replaces a file this session wrote; the empty directory made
        // beforehand takes the split.
        let expected = ["", "", "",
                        "tensor [1, 2]\n[[5, 6]]", "", "", "error: save: notes.ckpt is not a checkpoint rec wrote; pass overwrite: true to replace it",
                        "", "", "error: plot: mine.svg is not a chart rec drew; pass overwrite: true to replace it", "", "",
                        "error: split.save: mine holds more than a split rec wrote; pass overwrite: true to replace the directory and everything in it",
                        "", "error: save: split is a directory", "again bound"]
        XCTAssertEqual(out, expected)
        guard out == expected else { return }
        XCTAssertEqual(try String(contentsOfFile: dir + "/notes.ckpt", encoding: .utf8), "my notes")
        XCTAssertEqual(try String(contentsOfFile: dir + "/mine.svg", encoding: .utf8), "<svg/>")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir + "/mine"), ["keep.txt"])
        XCTAssertEqual(run(i, "plot(hist, \"mine.svg\", overwrite: true)\nsave(score, \"notes.ckpt\", overwrite: true)"), ["", ""])
        XCTAssertTrue(ChartFile.isChart(dir + "/mine.svg"))
        // Nothing went into the data directory, and no temporaries were left anywhere.
        for name in ["t.npy", "m.ckpt", "loss.svg", "split"] { XCTAssertFalse(FileManager.default.fileExists(atPath: Self.repoData + "/" + name), name) }
        let everything = try FileManager.default.subpathsOfDirectory(atPath: dir)
        XCTAssertFalse(everything.contains { $0.contains(".rec-tmp-") || $0.contains(".nosync") }, "\(everything)")
        XCTAssertEqual(Set(try FileManager.default.contentsOfDirectory(atPath: dir + "/split")),
                       ["train.tsv", "test_warm.tsv", "test_cold.tsv", "valid_warm.tsv", "valid_cold.tsv"])
    }

    func testReadOnlySessionWritesNothing() throws {
        let session = Session(seed: 3, dataDirectory: Self.repoData), i = session
        run(i, fitDemo)
        session.readOnly = true
        let out = run(i, """
            save(score, "\(dir)/m.ckpt")
            save(tensor([1]), "\(dir)/t.npy", overwrite: true)
            export(tensor([1]), "\(dir)/t.npy")
            plot(hist, "\(dir)/loss.svg")
            split.save("\(dir)/split")
            plot(hist)
            """)
        guard out.count == 6 else { return XCTFail("\(out)") }
        for (k, name) in ["save", "save", "export", "plot", "split.save"].enumerated() {
            XCTAssertEqual(out[k], "error: \(name): this session is read-only (rec run --read-only): nothing is written")
        }
        XCTAssertTrue(out[5].hasPrefix("loss per epoch"), out[5])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), [])
    }

    func testDuplicateRatingsAreMergedWithAWarning() throws {
        try FileManager.default.createDirectory(atPath: dir + "/dup", withIntermediateDirectories: true)
        try "1::A (1990)::Drama\n2::B (1991)::Drama\n".write(toFile: dir + "/dup/movies.dat", atomically: true, encoding: .utf8)
        try "1::1::5::1\n1::1::4::2\n2::2::5::1\n".write(toFile: dir + "/dup/ratings.dat", atomically: true, encoding: .utf8)
        let session = Session(seed: 1, dataDirectory: dir)
        var warnings: [String] = []
        session.output = { if case .warning(let w) = $0 { warnings.append(w) } }
        XCTAssertEqual(run(session, "movielens(\"dup\")"),
                       ["MovieLens(dup: 2 users, 2 items, 2 events (rating ≥ 4) of 2 ratings, 1 duplicate rating merged, 0 plots)"])
        XCTAssertEqual(warnings, ["1 duplicate rating merged: a user rated the same movie more than once; the latest rating is kept"])
    }

    func testLongLoadStopsAtCtrlCAndTheSessionGoesOn() throws {
        let big = dir + "/big"
        try FileManager.default.createDirectory(atPath: big, withIntermediateDirectories: true)
        try (1...100).map { "\($0)::Movie \($0) (1990)::Drama\n" }.joined().write(toFile: big + "/movies.dat", atomically: true, encoding: .utf8)
        try (0..<200_000).map { "\($0 / 100)::\($0 % 100 + 1)::4::\($0)\n" }.joined().write(toFile: big + "/ratings.dat", atomically: true, encoding: .utf8)
        let session = Session(seed: 1, dataDirectory: dir)
        // Ctrl-C (the session's flag) at the first progress report.
        nonisolated(unsafe) var armed = true
        session.output = { if case .progress = $0, armed { session.cancel.set() } }
        let records = session.run("ml = 7\nml = movielens(\"big\")\n", origin: "test", stopOnError: false)
        XCTAssertEqual(records.last?.error?.kind, .interrupted)
        guard case .number(7)? = session.variables["ml"] else { return XCTFail("ml changed: \(String(describing: session.variables["ml"]))") }
        armed = false
        XCTAssertEqual(run(session, "ml = movielens(\"big\")\nml.events.count"), ["ml bound", "200000"])
    }
}
