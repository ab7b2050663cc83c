import XCTest
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The `rec` executable as users meet it: piped sessions, scripts, exit statuses, and the
/// interactive prompt driven through tmux (send-keys / capture-pane).
final class WorkbenchTests: XCTestCase {
    /// The built `rec`, beside the test bundle.
    static var rec: String {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for dir in [bundle, bundle.deletingLastPathComponent()] where FileManager.default.isExecutableFile(atPath: dir.appendingPathComponent("rec").path) {
            return dir.appendingPathComponent("rec").path
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".build/debug/rec").path
    }

    static var data: String {
        if let env = ProcessInfo.processInfo.environment["REC_DATA"], !env.isEmpty { return env }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("shared/data").path
    }

    @discardableResult
    func rec(_ args: [String], input: String = "") throws -> (out: String, err: String, status: Int32) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.rec)
        p.arguments = args
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        p.standardInput = stdin
        p.standardOutput = stdout
        p.standardError = stderr
        try p.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let out = stdout.fileHandleForReading.readDataToEndOfFile(), err = stderr.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self), p.terminationStatus)
    }

    func testPipedSessionPrintsOnlyResultsAndErrors() throws {
        let r = try rec([], input: "x = tensor([1, 2])\nx * 2\ny = sum(\n  x)\ny;\nbad(1)\n:vars\n")
        XCTAssertEqual(r.out, "tensor [2]\n[2, 4]\nx  tensor        tensor [2]\ny  tensor        tensor []\n")
        XCTAssertEqual(r.err, "<stdin>:6:1: error: 'bad' is not defined\nbad(1)\n^~~\n")
        XCTAssertEqual(r.status, 1)
    }

    func testRunCheckAndExitStatuses() throws {
        let dir = NSTemporaryDirectory() + "rec-wb-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "a = tensor([1, 2, 3])\nsum(a)\n".write(toFile: dir + "/ok.rec", atomically: true, encoding: .utf8)
        try "a = 1\nb = a +\n".write(toFile: dir + "/bad.rec", atomically: true, encoding: .utf8)
        try "a = 1\nb = c + 1\nd = 2\n".write(toFile: dir + "/names.rec", atomically: true, encoding: .utf8)
        XCTAssertEqual(try rec(["run", dir + "/ok.rec"]).out, "tensor []\n6\n")
        let bad = try rec(["run", dir + "/bad.rec"])
        XCTAssertEqual(bad.status, 1)
        XCTAssertTrue(bad.err.hasPrefix(dir + "/bad.rec:2:8: error:"), bad.err)
        XCTAssertEqual(try rec(["check", dir + "/ok.rec"]).status, 0)
        let names = try rec(["check", dir + "/names.rec"])
        XCTAssertEqual(names.status, 1)
        XCTAssertTrue(names.err.contains("names.rec:2:5: error: 'c' is not defined"), names.err)
        XCTAssertEqual(try rec(["bench", "nope"]).status, 2, "bad usage")
        XCTAssertEqual(try rec(["--version"]).out, "0.1.0\n")
    }

    /// Ctrl-C during a script's fit stops the script: exit status 130, nothing after it runs.
    func testInterruptedScriptExitsWith130() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let script = NSTemporaryDirectory() + "rec-long-\(UUID().uuidString).rec"
        defer { try? FileManager.default.removeItem(atPath: script) }
        try """
        ml = movielens("demo", plots: "demo/plots.tsv")
        split = ml.split()
        score = dot(embedding(ml.users, 16), embedding(ml.items, 16))
        hist = fit(bpr(score), split.train, epochs: 100000)
        "after"
        """.write(toFile: script, atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.rec)
        p.arguments = ["run", script, "--data", root.appendingPathComponent("Data").path]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = Pipe()
        try p.run()
        var seen = ""
        while !seen.contains("epoch 2/") { seen += String(decoding: out.fileHandleForReading.availableData, as: UTF8.self) }
        p.interrupt()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 130)
        seen += String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertFalse(seen.contains("after"), seen)
    }

    func testQuickStartRunsOnTheDemoData() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let r = try rec(["run", root.appendingPathComponent("scripts/quickstart.rec").path, "--data", root.appendingPathComponent("Data").path])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertTrue(r.out.contains("top 5 users for the plot"), r.out)
    }

    /// `:export` writes a page a real browser renders: headless Chromium loads it and its DOM
    /// holds every statement and the loss chart (skipped where Chromium is not installed).
    func testExportRendersInChromium() throws {
        guard let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first(where: FileManager.default.fileExists) else {
            throw XCTSkip("chromium is not installed")
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let page = NSTemporaryDirectory() + "rec-export-\(UUID().uuidString).html"
        defer { try? FileManager.default.removeItem(atPath: page) }
        let r = try rec(["--data", root.appendingPathComponent("Data").path],
                        input: "ml = movielens(\"demo\", plots: \"demo/plots.tsv\")\nsplit = ml.split()\n"
                            + "score = dot(embedding(ml.users, 8), embedding(ml.items, 8))\nhist = fit(bpr(score), split.train, epochs: 3)\n"
                            + "x = 1 < 2\n:export \(page)\n")
        XCTAssertTrue(r.out.contains("wrote \(page)"), r.out + r.err)
        let dom = NSTemporaryDirectory() + "rec-dom-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dom) }
        _ = system("timeout 60 \(chromium) --headless --no-sandbox --disable-gpu --dump-dom file://\(page) > \(dom) 2>/dev/null")
        let html = (try? String(contentsOfFile: dom, encoding: .utf8)) ?? ""
        XCTAssertTrue(html.contains("<svg"), "the loss chart is in the rendered page")
        XCTAssertTrue(html.contains("hist = fit(bpr(score), split.train, epochs: 3)"))
        XCTAssertTrue(html.contains("class=\"cell failed\""), "the failed statement is marked")
    }

    /// The README's language reference is what the registry says (scripts/update-readme-reference).
    func testReadmeReferenceMatchesTheRegistry() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let start = try XCTUnwrap(readme.range(of: "<!-- reference:start -->\n")), end = try XCTUnwrap(readme.range(of: "<!-- reference:end -->"))
        XCTAssertEqual(String(readme[start.upperBound..<end.lowerBound]), try rec(["reference"]).out,
                       "README reference is stale: run scripts/update-readme-reference")
    }

    // MARK: The prompt under tmux

    /// Runs tmux through the shell (`system`, which waits for the shell alone): Foundation's
    /// Process would wait on descriptors that the tmux server inherits and keeps open.
    func tmux(_ args: [String]) throws -> String {
        let outPath = NSTemporaryDirectory() + "rec-tmux-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: outPath) }
        let quoted = args.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        _ = system("tmux \(quoted) </dev/null >\(outPath) 2>/dev/null")
        return (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
    }

    func screen(_ session: String) throws -> String { try tmux(["capture-pane", "-t", session, "-p"]) }

    /// Waits until the screen shows `text` (the prompt answers asynchronously).
    func waitFor(_ text: String, in session: String, timeout: Double = 60) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var s = ""
        while Date() < deadline {
            s = try screen(session)
            if s.contains(text) { return s }
            Thread.sleep(forTimeInterval: 0.2)
        }
        XCTFail("timed out waiting for \"\(text)\"; screen:\n\(s)")
        return s
    }

    func testInteractivePromptUnderTmux() throws {
        guard FileManager.default.fileExists(atPath: "/usr/bin/tmux") else { throw XCTSkip("tmux is not installed") }
        guard FileManager.default.fileExists(atPath: Self.data + "/ml-100k/u.data") else { throw XCTSkip("no ML-100K data") }
        let name = "rec-test-\(getpid())"
        let home = NSTemporaryDirectory() + name
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        defer {
            _ = try? tmux(["kill-session", "-t", name])
            try? FileManager.default.removeItem(atPath: home)
        }
        _ = try tmux(["new-session", "-d", "-s", name, "-x", "160", "-y", "50",
                      "HOME=\(home) \(Self.rec) --data \(Self.data); sleep 30"])
        _ = try waitFor("rec>", in: name)
        // TAB completes a builtin and a member.
        _ = try tmux(["send-keys", "-t", name, "t = tens", "Tab"])
        _ = try waitFor("t = tensor", in: name)
        _ = try tmux(["send-keys", "-t", name, "([1, 2, 3])", "Enter"])
        _ = try tmux(["send-keys", "-t", name, "t.sh", "Tab"])
        _ = try waitFor("t.shape", in: name)
        _ = try tmux(["send-keys", "-t", name, "Enter"])
        _ = try waitFor("[3]", in: name)
        // History: Up recalls the last statement.
        _ = try tmux(["send-keys", "-t", name, "Up"])
        let recalled = try waitFor("rec> t.shape", in: name)
        XCTAssertEqual(recalled.components(separatedBy: "t.shape").count - 1, 2, recalled)
        _ = try tmux(["send-keys", "-t", name, "C-u", "C-c"])
        // A long fit, interrupted with Ctrl-C: back at the prompt with the session intact.
        for line in ["seed(5)", "ml = movielens(\"ml-100k\", plots: \"ml-100k/plots.tsv\")", "split = ml.split()",
                     "score = dot(embedding(ml.users, 16), embedding(ml.items, 16))",
                     "hist = fit(bpr(score, negatives: 16), split.train, epochs: 500)"] {
            _ = try tmux(["send-keys", "-t", name, line, "Enter"])
        }
        _ = try waitFor("epoch 1/500", in: name)
        _ = try tmux(["send-keys", "-t", name, "C-c"])
        _ = try tmux(["send-keys", "-t", name, "hist", "Enter"])
        _ = try waitFor("stopped by the user", in: name)
        _ = try waitFor("left out of :save", in: name)
        // :save writes what succeeded; rec run replays it to the same numbers.
        _ = try tmux(["send-keys", "-t", name, ":reset", "Enter"])
        _ = try waitFor("session reset", in: name)
        _ = try tmux(["send-keys", "-t", name, "w = randn([2])", "Enter"])
        _ = try tmux(["send-keys", "-t", name, "w", "Enter"])
        _ = try tmux(["send-keys", "-t", name, ":save \(home)/session.rec", "Enter"])
        let s = try waitFor("wrote \(home)/session.rec", in: name)
        let saved = try String(contentsOfFile: home + "/session.rec", encoding: .utf8)
        XCTAssertTrue(saved.contains("w = randn([2])"), saved)
        let printed = s.components(separatedBy: "rec> w\n").last!.split(separator: "\n").prefix(2).joined(separator: "\n")
        let replay = try rec(["run", home + "/session.rec", "--data", Self.data])
        XCTAssertEqual(replay.status, 0, replay.err)
        XCTAssertTrue(replay.out.contains(printed), "replay:\n\(replay.out)\nprompt printed:\n\(printed)")
    }
}

/// The tutorial sessions: every script resolves (`rec check`), and the solutions run on the
/// real data (with fewer epochs) to figures in the ranges they state.
final class TutorialTests: XCTestCase {
    static let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("scripts/tutorial")

    func run(_ args: [String]) throws -> (out: String, err: String, status: Int32) {
        try WorkbenchTests(name: "x", testClosure: { _ in }).rec(args)
    }

    func testEveryScriptResolves() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.dir.path).filter { $0.hasSuffix(".rec") }.sorted()
        XCTAssertGreaterThanOrEqual(files.count, 5)
        for f in files {
            let r = try run(["check", Self.dir.appendingPathComponent(f).path])
            XCTAssertEqual(r.status, 0, "\(f): \(r.err)")
        }
    }

    /// The number in `column` of the table row that starts with `name` (after `part`).
    func figure(_ out: String, row name: String, column: Int) -> Double? {
        guard let line = out.split(separator: "\n").first(where: { $0.hasPrefix(name + " ") }) else { return nil }
        let cells = line.split(separator: " ")
        return cells.count > column ? Double(cells[column]) : nil
    }

    func testSolutionsReachTheirFigures() throws {
        guard FileManager.default.fileExists(atPath: WorkbenchTests.data + "/ml-100k/u.data") else { throw XCTSkip("no ML-100K data") }
        let tensors = try run(["run", Self.dir.appendingPathComponent("01-tensors.rec").path])
        XCTAssertEqual(tensors.status, 0, tensors.err)
        XCTAssertTrue(tensors.out.contains("[1, -2, 3]"), tensors.out)  // w.grad = w
        let data = try run(["run", Self.dir.appendingPathComponent("02-data.rec").path, "--data", WorkbenchTests.data])
        XCTAssertEqual(data.status, 0, data.err)
        XCTAssertTrue(data.out.contains("943 users, 1682 items, 55375 events"), data.out)
        let a = try run(["run", Self.dir.appendingPathComponent("03-track-a.rec").path, "--data", WorkbenchTests.data, "--max-epochs", "3"])
        XCTAssertEqual(a.status, 0, a.err)
        // cells: name part items recall ndcg …
        let hybrid = try XCTUnwrap(figure(a.out, row: "hybrid", column: 4)), popularity = try XCTUnwrap(figure(a.out, row: "popularity", column: 4))
        XCTAssertGreaterThan(hybrid, 0.18, a.out)
        XCTAssertEqual(popularity, 0.2212, accuracy: 0.0001, "the popularity baseline is exact")
        let cold = try run(["run", Self.dir.appendingPathComponent("07-cold-start.rec").path, "--data", WorkbenchTests.data, "--max-epochs", "3"])
        XCTAssertEqual(cold.status, 0, cold.err)
        XCTAssertTrue(cold.out.contains("top 5 users for the plot"), cold.out)
        XCTAssertTrue(cold.out.contains("top 5 users for Toy Story (1995)"), cold.out)
    }
}
