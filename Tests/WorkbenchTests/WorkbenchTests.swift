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
        XCTAssertEqual(r.out, "tensor [2]\n[2, 4]\nname  type    value\nx     tensor  tensor [2]\ny     tensor  tensor []\n")
        XCTAssertEqual(r.err, "<stdin>:6:1: error: 'bad' is not defined\nbad(1)\n^~~\n")
        XCTAssertEqual(r.status, 1)
    }

    /// Within the budget is not enough: a request beyond the memory free now (here an
    /// address-space limit 1.6 GB above what the running session maps, set with prlimit) is an
    /// error that says so, and the session goes on.
    func testARequestBeyondTheFreeMemoryIsAnError() throws {
        let script = """
            dir=$(mktemp -d); mkfifo "$dir/in"
            '\(Self.rec)' < "$dir/in" & pid=$!
            exec 3> "$dir/in"; echo 'x = 1' >&3; sleep 0.5
            vm=$(awk '/VmSize/ {print $2}' /proc/$pid/status)
            prlimit --pid $pid --as=$(( (vm + 1600000) * 1024 ))
            printf 'a = ones([2.5e8])\\nb = ones([2.5e8])\\na.shape\\n' >&3; exec 3>&-
            wait $pid; rm -r "$dir"
            """
        let r = try shell(script)
        XCTAssertTrue(r.err.hasPrefix("<stdin>:3:10: error: ones: shape [250000000] needs 954 MB; only "), r.err)
        XCTAssertTrue(r.err.contains("of memory is free now"), r.err)
        XCTAssertEqual(r.out, "[250000000]\n")
    }

    /// A statement that fails when `b` replays it (the file it read is gone) is said, and left
    /// out of the history, instead of the replay claiming the session is as it was.
    func testAStatementFailingInTheReplayIsSaid() throws {
        let script = """
            dir=$(mktemp -d); mkfifo "$dir/in"; printf 'x = 1\\ny = 2\\n' > "$dir/s.rec"
            echo 'export(tensor([1, 2]), "'$dir'/t.npy")' | '\(Self.rec)'
            '\(Self.rec)' < "$dir/in" & pid=$!
            exec 3> "$dir/in"
            echo 't = load("'$dir'/t.npy")' >&3; echo 'u = t + 1' >&3; echo ":step $dir/s.rec" >&3; echo '' >&3
            sleep 0.5; rm "$dir/t.npy"
            printf 'b\\nq\\n:history\\n' >&3; exec 3>&-
            wait $pid; rm -r "$dir"
            """
        let r = try shell(script)
        XCTAssertTrue(r.out.contains("(back: 2 statements replayed, but 2 failed this time and are left out of the history: t = load("), r.out)
        XCTAssertFalse(r.out.contains("the session is as it was"), r.out)
        XCTAssertTrue(r.out.contains("✗ t = load(") && r.out.contains("✗ u = t + 1"), r.out)
    }

    func shell(_ script: String) throws -> (out: String, err: String, status: Int32) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = ["-c", script]
        let stdout = Pipe(), stderr = Pipe()
        (p.standardOutput, p.standardError) = (stdout, stderr)
        try p.run()
        let out = stdout.fileHandleForReading.readDataToEndOfFile(), err = stderr.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self), p.terminationStatus)
    }

    /// `rec plots`: joins one dataset's plots to another's movies and reports how; bad usage is
    /// status 2, a missing dataset status 1 with the path named.
    func testPlotsCommand() throws {
        guard FileManager.default.fileExists(atPath: Self.data + "/ml-100k/plots.tsv") else { throw XCTSkip("no ML-100K data") }
        let out = NSTemporaryDirectory() + "rec-plots-\(UUID().uuidString).tsv"
        defer { try? FileManager.default.removeItem(atPath: out) }
        let r = try rec(["plots", "ml-latest-small", "--from", "ml-100k", "--out", out, "--data", Self.data])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertTrue(r.out.hasPrefix("1137 plots for 9742 movies written to \(out) (from 1487 records)\n"), r.out)
        XCTAssertTrue(r.out.contains("  joined by exact title: "), r.out)
        let written = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(written.first, "movieId\tplot")
        XCTAssertEqual(written.count, 1138)
        XCTAssertEqual(try rec(["plots", "ml-100k", "--data", Self.data]).status, 2)
        let missing = try rec(["plots", "nowhere", "--from", "ml-100k", "--data", Self.data])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.err.contains("nowhere: no such directory"), missing.err)
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

    /// `rec bench products` times each of a training step's products on both multipliers and
    /// says which one BLAS.gemm runs it on (figures are for reading, not for asserting).
    func testBenchProductsTimesTheStepsProducts() throws {
        let r = try rec(["bench", "products", "--json"])
        XCTAssertEqual(r.status, 0, r.err)
        let lines = r.out.split(separator: "\n").filter { $0.hasPrefix("{") }
        let rows = try lines.map { try XCTUnwrap(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        XCTAssertTrue(r.out.split(separator: "\n").last?.hasPrefix("products: ") ?? false, r.out)
        guard !rows.isEmpty else { return }  // a CPU without FMA: no rec kernel to time
        XCTAssertTrue(rows.contains { $0["product"] as? String == "NN 256×64·k64" && $0["in_step"] as? Bool == true }, r.out)
        for row in rows {
            XCTAssertGreaterThan(row["rec_gflops"] as? Double ?? 0, 0)
            XCTAssertGreaterThan(row["openblas_gflops"] as? Double ?? 0, 0)
        }
        XCTAssertTrue(rows.contains { $0["product"] as? String == "NT 256×6040·k64" && $0["on_rec_kernel"] as? Bool == false },
                      "the scoring tile stays OpenBLAS's")
    }

    /// `rec bench train` splits a step's distance from its products' bound: the recorded steps'
    /// products timed where they ran, against the same products alone, and the step itself.
    func testBenchTrainTimesItsProductsInsideTheStep() throws {
        let r = try rec(["bench", "train", "--batches", "30", "--json"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertTrue(r.out.contains("inside the step (200 recorded): its products "), r.out)
        let line = try XCTUnwrap(r.out.split(separator: "\n").first { $0.hasPrefix("{") })
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        let inStep = try XCTUnwrap(json["products_in_step_us"] as? Double)
        let alone = try XCTUnwrap(json["products_alone_us"] as? Double)
        let step = try XCTUnwrap(json["recorded_step_us"] as? Double)
        XCTAssertGreaterThan(inStep, 0)
        XCTAssertGreaterThan(alone, 0)
        XCTAssertLessThan(inStep, step, "one thread: the products are part of the step")
    }

    /// `rec bench scale` end to end at the ML-1M shape: it writes ML-20M's csv format, loads it,
    /// trains and evaluates, and its JSON line has the four figures; the kept files load in a
    /// session with the shape asked and no repeated rating.
    func testBenchScaleWritesLoadsTrainsAndEvaluates() throws {
        let dir = NSTemporaryDirectory() + "rec-scale-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try rec(["bench", "scale", "--shape", "ml1m", "--batches", "20", "--json", "--keep", dir, "--threads", "2"])
        XCTAssertEqual(r.status, 0, r.err)
        let line = try XCTUnwrap(r.out.split(separator: "\n").first { $0.hasPrefix("{") }, r.out)
        let figures = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        for key in ["load_s", "epoch_s", "evaluate_s", "peak_gb"] { XCTAssertGreaterThan(figures[key] as? Double ?? 0, 0, key) }
        XCTAssertTrue(try String(contentsOfFile: dir + "/ratings.csv", encoding: .utf8).hasPrefix("userId,movieId,rating,timestamp\n1,"))
        try "movielens(\"\(dir)\")\n".write(toFile: dir + "/load.rec", atomically: true, encoding: .utf8)
        let loaded = try rec(["run", dir + "/load.rec"])
        XCTAssertTrue(loaded.out.contains("6040 users, 3706 items") && loaded.out.contains("of 1000209 ratings, 0 plots"), loaded.out + loaded.err)
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
        // The README's walkthrough shows this script and what it prints (timings aside).
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let walkthrough = try XCTUnwrap(readme.components(separatedBy: "## Five minutes").dropFirst().first)
        let blocks = walkthrough.components(separatedBy: "```\n").enumerated().filter { $0.offset % 2 == 1 }.map(\.element)
        XCTAssertGreaterThanOrEqual(blocks.count, 2)
        let script = try String(contentsOf: root.appendingPathComponent("scripts/quickstart.rec"), encoding: .utf8)
        let statements = script.split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.isEmpty }.joined(separator: "\n") + "\n"
        XCTAssertEqual(blocks[0], statements, "README's quick start listing differs from scripts/quickstart.rec")
        let untimed = { (s: String) in s.replacingOccurrences(of: #"\(\d+\.\d s\)"#, with: "(t)", options: .regularExpression) }
        XCTAssertEqual(untimed(blocks[1]), untimed(r.out), "README's quick start output differs from a run")
    }

    /// `:export` writes a page a real browser renders: headless Chromium loads it and its DOM
    /// holds the metadata, every statement, the epoch lines and the chart with its validation
    /// curve. CI installs Chromium (REC_CI=1 makes its absence a failure, not a skip).
    func testExportRendersInChromium() throws {
        guard let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first(where: FileManager.default.fileExists) else {
            if ProcessInfo.processInfo.environment["REC_CI"] == "1" { XCTFail("CI must install chromium (scripts/test does)") }
            throw XCTSkip("chromium is not installed")
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let page = NSTemporaryDirectory() + "rec-export-\(UUID().uuidString).html"
        defer { try? FileManager.default.removeItem(atPath: page) }
        let r = try rec(["--data", root.appendingPathComponent("Data").path, "--seed", "7"],
                        input: "ml = movielens(\"demo\", plots: \"demo/plots.tsv\")\nsplit = ml.split()\n"
                            + "score = dot(embedding(ml.users, 8), embedding(ml.items, 8))\n"
                            + "hist = fit(bpr(score), split.train, epochs: 3, validate: split.valid_warm)\n"
                            + "x = 1 < 2\n:export \(page)\n")
        XCTAssertTrue(r.out.contains("wrote \(page)"), r.out + r.err)
        let dom = NSTemporaryDirectory() + "rec-dom-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dom) }
        _ = system("timeout 60 \(chromium) --headless --no-sandbox --disable-gpu --dump-dom file://\(page) > \(dom) 2>/dev/null")
        let html = (try? String(contentsOfFile: dom, encoding: .utf8)) ?? ""
        XCTAssertEqual(html.components(separatedBy: "<svg").count - 1, 1, "one chart, the history's")
        XCTAssertTrue(html.contains(">validation ndcg<"), "the validation curve is in the chart")
        XCTAssertTrue(html.contains("hist = fit(bpr(score), split.train, epochs: 3, validate: split.valid_warm)"))
        XCTAssertTrue(html.contains("epoch 3/3"), "the epoch log is on the page")
        XCTAssertTrue(html.contains("<th>seed</th><td>7</td>") && html.contains("<th>BLAS threads</th><td>1</td>"), "metadata")
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
    /// The socket of this process's tmux server stays behind when the server ends: remove it.
    override class func tearDown() {
        let directory = ProcessInfo.processInfo.environment["TMUX_TMPDIR"] ?? "/tmp"
        try? FileManager.default.removeItem(atPath: "\(directory)/tmux-\(getuid())/rec-tests-\(getpid())")
        super.tearDown()
    }

    func tmux(_ args: [String]) throws -> String {
        let outPath = NSTemporaryDirectory() + "rec-tmux-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: outPath) }
        // A server of this test process's own: test runs side by side (other checkouts) share
        // no tmux server, so one of them ending its last session cannot take another's down.
        let quoted = (["-L", "rec-tests-\(getpid())"] + args).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        _ = system("tmux \(quoted) </dev/null >\(outPath) 2>/dev/null")
        return (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
    }

    /// rec's prompt in a new tmux session `name` (120 × 30, TERM=xterm), once it shows `rec>`;
    /// the test is skipped where tmux is not installed.
    func promptInTmux(_ name: String, env: String = "env ") throws {
        guard FileManager.default.fileExists(atPath: "/usr/bin/tmux") else { throw XCTSkip("tmux is not installed") }
        _ = try tmux(["new-session", "-d", "-s", name, "-x", "120", "-y", "30", "\(env)TERM=xterm HOME=/tmp \(Self.rec); sleep 30"])
        _ = try waitFor("rec>", in: name)
    }

    /// The visible screen, or with `scrollback` all the lines the pane has shown.
    func screen(_ session: String, scrollback: Bool = false) throws -> String {
        try tmux(["capture-pane", "-t", session, "-p"] + (scrollback ? ["-S", "-"] : []))
    }

    /// Waits until the screen shows `text` (the prompt answers asynchronously); with
    /// `scrollback`, text that has scrolled off the top counts too.
    func waitFor(_ text: String, in session: String, times: Int = 1, timeout: Double = 60,
                 scrollback: Bool = false) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var s = ""
        while Date() < deadline {
            s = try screen(session, scrollback: scrollback)
            if s.components(separatedBy: text).count - 1 >= times { return s }
            Thread.sleep(forTimeInterval: 0.2)
        }
        XCTFail("timed out waiting for \"\(text)\"; screen:\n\(s)")
        return s
    }

    /// `rec run --set name=value` defines variables before the script runs (and before it is checked).
    func testRunSetDefinesVariables() throws {
        let script = NSTemporaryDirectory() + "rec-set-\(getpid()).rec"
        defer { try? FileManager.default.removeItem(atPath: script) }
        try "split_dir\nk * 2\nflag\n".write(toFile: script, atomically: true, encoding: .utf8)
        let r = try rec(["run", script, "--set", "split_dir=/tmp/x", "--set", "k=21", "--set", "flag=true"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(r.out, "\"/tmp/x\"\n42\ntrue\n")
        XCTAssertEqual(try rec(["run", script]).status, 1, "without --set the names are unknown")
        let quoted = try rec(["run", script, "--set", "split_dir=\"/tmp/x\"", "--set", "k=21", "--set", "flag=true"])
        XCTAssertEqual(quoted.out, "\"/tmp/x\"\n42\ntrue\n", "a quoted value is the text inside its quotes")
        let bad = try rec(["run", script, "--set", "9x=1"])
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.err.contains("'9x' is not a name"), bad.err)
        // A setting named like a builtin hides it, with the same warning as an assignment.
        let hiding = try rec(["run", script, "--set", "split_dir=x", "--set", "k=1", "--set", "flag=1", "--set", "seed=3"])
        XCTAssertEqual(hiding.status, 0, hiding.err)
        XCTAssertTrue(hiding.err.contains("'seed' now names a value: the builtin seed(…) is hidden"), hiding.err)
    }

    /// `rec step` over `script` (written to a file of its own), with `answers` as its input.
    func step(_ script: String, answers: String) throws -> (out: String, err: String, status: Int32) {
        let path = NSTemporaryDirectory() + "rec-steps-\(UUID().uuidString).rec"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try script.write(toFile: path, atomically: true, encoding: .utf8)
        return try rec(["step", path], input: answers)
    }

    /// `rec step`: narration shown with each statement; `c` runs on to a failing step, a line
    /// typed by hand fixes it, `b` goes back (the state is what replaying gives).
    func testStepCommandRunsOnFixesAndGoesBack() throws {
        let r = try step("# narration for x\nx = 1\nx\n# ---\ny = x + 1\ny\nbad = nosuch(1)\nz = bad * 10\nz\n", answers: "\n\nc\nbad = y\n\nb\n\n\n")
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertTrue(r.out.contains("── step 1/7 ──\n# narration for x\nx = 1"), r.out)
        XCTAssertTrue(r.err.contains("'nosuch' is not defined"), r.err)
        XCTAssertTrue(r.out.contains("(type the corrected statement"), r.out)
        XCTAssertTrue(r.out.contains("(back: the session is as it was before this step — 5 statements replayed)"), r.out)
        // z = bad * 10 with bad = y = 2: printed once the steps run again after going back.
        XCTAssertEqual(r.out.components(separatedBy: "\n20\n").count - 1, 1, r.out)
    }

    /// `b` after `s` returns to the skipped step (it went back two); going back to a step that
    /// was fixed shows the fix, and Enter runs it rather than the script's failing line.
    func testStepBackReturnsToASkippedStepAndKeepsAFix() throws {
        let skipped = try step("x = 1\ny = 2\nz = 3\nx + y\n", answers: "\ns\nb\n\n\n\n")
        XCTAssertEqual(skipped.status, 0, skipped.err)
        XCTAssertEqual(skipped.out.components(separatedBy: "── step 2/4 ──").count - 1, 2, skipped.out)
        XCTAssertFalse(skipped.out.contains("(back:"), "a skip changed nothing to replay: \(skipped.out)")
        XCTAssertTrue(skipped.out.hasSuffix("3\n"), skipped.out)
        let fixed = try step("a = 1\nb = nosuch\nc = b * 10\nc\n", answers: "\n\nb = a + 1\n\nb\nb\n\n\n\n")
        XCTAssertEqual(fixed.status, 0, fixed.err)
        XCTAssertEqual(fixed.err.components(separatedBy: "'nosuch' is not defined").count - 1, 1, "the fix ran, not the line: \(fixed.err)")
        XCTAssertTrue(fixed.out.contains("── step 2/4 ──\nb = a + 1\n(your fix runs in place of the script's: b = nosuch)"), fixed.out)
        XCTAssertTrue(fixed.out.hasSuffix("20\n"), fixed.out)
    }

    /// After `b`, the history (and so :save and :export) holds what the session now is: the
    /// undone statements drop out, and the saved script replays to the same figures.
    func testStepBackTakesTheUndoneStatementsOutOfTheHistory() throws {
        let path = NSTemporaryDirectory() + "rec-stepback-\(UUID().uuidString).rec"
        let saved = NSTemporaryDirectory() + "rec-stepback-saved-\(UUID().uuidString).rec"
        defer { for p in [path, saved] { try? FileManager.default.removeItem(atPath: p) } }
        try "x = randn([2])\ny = x * 2\ny\n".write(toFile: path, atomically: true, encoding: .utf8)
        let r = try rec([], input: "z = randn([1]);\n:step \(path)\n\n\nb\n\n\n:history\n:save \(saved)\n")
        XCTAssertTrue(r.out.contains("(back: the session is as it was before this step — 2 statements replayed)"), "what ran before :step too: \(r.out)")
        XCTAssertTrue(r.out.contains("  1 ✓ z = randn([1]);\n  2 ✓ x = randn([2])\n  3 ✓ y = x * 2\n  4 ✓ y\n"), r.out)
        XCTAssertFalse(r.out.contains("  5 ✓"), "the undone y = x * 2 is not listed twice: \(r.out)")
        let replay = try rec(["run", saved])
        XCTAssertEqual(replay.status, 0, replay.err)
        let shown = r.out.components(separatedBy: "\n").filter { $0.hasPrefix("[") }
        XCTAssertEqual(shown.last.map { "tensor [2]\n" + $0 + "\n" }, replay.out, "the saved script gives the session's figures")
    }

    /// :save writes the threads the session started on (two threads sum in another order, so a
    /// replay on one gave other figures), and one seed line when the first statement sets it.
    func testSaveKeepsTheThreadsAndOneSeed() throws {
        guard ProcessInfo.processInfo.activeProcessorCount >= 2 else { throw XCTSkip("one core: --threads 2 is clamped to 1") }
        let saved = NSTemporaryDirectory() + "rec-threads-saved-\(UUID().uuidString).rec"
        defer { try? FileManager.default.removeItem(atPath: saved) }
        _ = try rec(["--threads", "2"], input: "seed(3)\nx = 1\n:save \(saved)\n")
        let script = try String(contentsOfFile: saved, encoding: .utf8).split(separator: "\n").filter { !$0.hasPrefix("#") }
        XCTAssertEqual(script, ["threads(2)", "seed(3)", "x = 1"])
    }

    /// Meta-command lines of piped input count in the line numbers errors give; a file name
    /// typed in quotes names the file inside them.
    func testPipedMetaCommandsKeepLineNumbersAndQuotedNamesWork() throws {
        let saved = NSTemporaryDirectory() + "rec-quoted-\(UUID().uuidString).rec"
        defer { try? FileManager.default.removeItem(atPath: saved) }
        let r = try rec([], input: "x = 1\n:vars\n:save \"\(saved)\"\nbad(1)\n")
        XCTAssertTrue(r.err.hasPrefix("<stdin>:4:1: error: 'bad' is not defined"), r.err)
        XCTAssertTrue(FileManager.default.fileExists(atPath: saved), "written without the quotes")
    }

    /// `rec step` ends at its last step or q, so the stepped session is saved from the step
    /// prompt: :save, :history and ?name work there; :reset waits for rec>.
    func testMetaCommandsAtTheStepPrompt() throws {
        let saved = NSTemporaryDirectory() + "rec-stepsave-\(UUID().uuidString).rec"
        defer { try? FileManager.default.removeItem(atPath: saved) }
        let r = try step("x = 1\ny = x + 1\ny\n", answers: "\n\n:history\n:reset\n:save \(saved)\nq\n")
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertTrue(r.out.contains("  1 ✓ x = 1\n  2 ✓ y = x + 1"), r.out)
        XCTAssertTrue(r.err.contains(":reset works at rec>, not while stepping"), r.err)
        let script = try String(contentsOfFile: saved, encoding: .utf8).split(separator: "\n").filter { !$0.hasPrefix("#") }
        XCTAssertEqual(script, ["seed(42)", "x = 1", "y = x + 1"])
    }

    /// `:vars NAME…` shows the variables named; a name not bound is reported with the closest.
    func testVarsWithNamesShowsThoseAlone() throws {
        let r = try rec([], input: "alpha = 1\nbeta = tensor([1, 2])\n:vars beta\n:vars bta\n")
        XCTAssertTrue(r.out.contains("beta"), r.out)
        XCTAssertFalse(r.out.contains("alpha"), r.out)
        XCTAssertTrue(r.err.contains(":vars: no variable named bta (did you mean beta?)"), r.err)
    }

    /// A fix typed at the step prompt reads on while a bracket is open, as the prompt does.
    func testAFixTypedAtTheStepPromptMaySpanLines() throws {
        let r = try step("x = tensor([1, 2, 3])\ny = x + tensor([1, 2])\nz = y * 2\nz\n", answers: "\n\ny = x + tensor([1, 2,\n  3])\n\n\n")
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(r.err.components(separatedBy: "error:").count - 1, 1, "only the failing step: \(r.err)")
        XCTAssertTrue(r.out.contains("[4, 8, 12]"), r.out)
    }

    /// Paths that are not what a command writes or reads are refused with the reason.
    func testExportWantsAnHtmlNameAndADirectoryIsNoScript() throws {
        let dir = NSTemporaryDirectory() + "rec-paths-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try rec([], input: "x = 1\n:export \(dir)/session.rec\nx\n")
        XCTAssertTrue(r.err.contains(":export writes an HTML page"), r.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/session.rec"))
        XCTAssertEqual(r.out, "1\n")
        let run = try rec(["run", dir])
        XCTAssertEqual(run.status, 1)
        XCTAssertTrue(run.err.contains("is a directory, not a script"), run.err)
    }

    /// Ctrl-D on a continuation line drops the unfinished statement, not the session.
    func testCtrlDInsideAStatementDropsItAndTheSessionGoesOn() throws {
        let name = "rec-ctrld-\(getpid())"
        defer { _ = try? tmux(["kill-session", "-t", name]) }
        try promptInTmux(name)
        _ = try tmux(["send-keys", "-t", name, "x = 41", "Enter"])
        _ = try tmux(["send-keys", "-t", name, "y = tensor([1,", "Enter"])
        _ = try waitFor("...>", in: name)
        _ = try tmux(["send-keys", "-t", name, "C-d"])
        _ = try waitFor("the unfinished statement is dropped", in: name)
        _ = try tmux(["send-keys", "-t", name, "x + 1", "Enter"])
        let screen = try waitFor("42", in: name)
        XCTAssertFalse(screen.contains("error"), screen)
    }

    /// Colour at a terminal (the error word, table headers), none with NO_COLOR or when piped.
    func testColourAtATerminalOnlyAndNotWithNoColor() throws {
        for noColor in [false, true] {
            let name = "rec-colour-\(getpid())-\(noColor)"
            defer { _ = try? tmux(["kill-session", "-t", name]) }
            // `swift test` itself sets NO_COLOR for the tests it runs: unset it for the coloured case.
            try promptInTmux(name, env: noColor ? "env NO_COLOR=1 " : "env -u NO_COLOR ")
            _ = try tmux(["send-keys", "-t", name, "fitt(1)", "Enter"])
            _ = try waitFor("did you mean fit?", in: name)
            let painted = try tmux(["capture-pane", "-e", "-t", name, "-p"])
            let coloured = painted.range(of: "\u{1B}\\[[0-9;]*m(\u{1B}\\[[0-9;]*m)?error:", options: .regularExpression) != nil
            XCTAssertEqual(coloured, !noColor, painted)
        }
        let piped = try rec(["--data", Self.data], input: "fitt(1)\n")
        XCTAssertFalse(piped.err.contains("\u{1B}["), "no colour codes in a pipe")
    }

    /// Ctrl-Z at the prompt hands the terminal back to the shell; `fg` brings the prompt back with
    /// the line as it was; after :quit the terminal echoes again.
    func testSuspendAndResumeAtThePrompt() throws {
        guard FileManager.default.fileExists(atPath: "/usr/bin/tmux") else { throw XCTSkip("tmux is not installed") }
        let name = "rec-suspend-\(getpid())"
        defer { _ = try? tmux(["kill-session", "-t", name]) }
        _ = try tmux(["new-session", "-d", "-s", name, "-x", "120", "-y", "30", "env PS1='sh$ ' HOME=/tmp bash --norc --noprofile"])
        _ = try waitFor("sh$", in: name)
        _ = try tmux(["send-keys", "-t", name, "\(Self.rec) --data \(Self.data)", "Enter"])
        _ = try waitFor("rec>", in: name)
        _ = try tmux(["send-keys", "-t", name, "y = 20", "Enter", "y +"])
        _ = try waitFor("rec> y +", in: name)
        _ = try tmux(["send-keys", "-t", name, "C-z"])
        _ = try waitFor("Stopped", in: name)
        _ = try tmux(["send-keys", "-t", name, "fg", "Enter"])
        _ = try waitFor("rec> y +", in: name, times: 2)
        _ = try tmux(["send-keys", "-t", name, " 1", "Enter"])
        _ = try waitFor("rec> y + 1\n21", in: name)
        _ = try tmux(["send-keys", "-t", name, ":quit", "Enter"])
        _ = try tmux(["send-keys", "-t", name, "stty -a | grep -o -- ' -\\?echo ' | head -1 | sed 's/^ */modes:/'", "Enter"])
        let modes = try waitFor("\nmodes:", in: name)  // the output, not the command line
        XCTAssertTrue(modes.contains("\nmodes:echo"), modes)
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
        // Typed at once, while the line above may still run: the keys wait for the next prompt,
        // which shows them (the terminal's echo had drawn them into the output, under the prompt).
        _ = try tmux(["send-keys", "-t", name, "t.sh", "Tab"])
        _ = try waitFor("rec> t.shape", in: name)
        _ = try tmux(["send-keys", "-t", name, "Enter"])
        _ = try waitFor("[3]", in: name)
        // History: Up recalls the last statement.
        _ = try tmux(["send-keys", "-t", name, "Up"])
        // The typed line is on the screen already: wait until the recalled one is there too.
        let recalled = try waitFor("rec> t.shape", in: name, times: 2)
        XCTAssertEqual(recalled.components(separatedBy: "rec> t.shape").count - 1, 2, recalled)
        // Ctrl-C drops the recalled line: the lines typed next run on their own.
        _ = try tmux(["send-keys", "-t", name, "C-c"])
        // A long fit, interrupted with Ctrl-C: back at the prompt with the session intact.
        for line in ["seed(5)", "ml = movielens(\"ml-100k\", plots: \"ml-100k/plots.tsv\")", "split = ml.split()",
                     "score = dot(embedding(ml.users, 16), embedding(ml.items, 16))",
                     "hist = fit(bpr(score, negatives: 16), split.train, epochs: 500)"] {
            _ = try tmux(["send-keys", "-t", name, line, "Enter"])
        }
        // Each epoch prints a line: on a quiet machine the first scrolls off the screen within
        // a second, so it is looked for in the scrollback (waiting on the screen alone, the test
        // sent its Ctrl-C only after the fit had run to its end).
        _ = try waitFor("epoch 1/500", in: name, scrollback: true)
        _ = try tmux(["send-keys", "-t", name, "C-c"])
        let stopped = try waitFor("the value so far is kept", in: name)
        XCTAssertFalse(stopped.contains("t.shapeseed"), stopped)
        // Epochs are fast: the history printed may be longer than the screen.
        _ = try tmux(["send-keys", "-t", name, "hist", "Enter"])
        _ = try waitFor("stopped by the user", in: name, scrollback: true)
        // :save keeps the interrupted fit, marked, so that the lines after it replay.
        _ = try tmux(["send-keys", "-t", name, ":save \(home)/interrupted.rec", "Enter"])
        _ = try waitFor("1 interrupted statement kept and marked", in: name)
        let interrupted = try String(contentsOfFile: home + "/interrupted.rec", encoding: .utf8)
        XCTAssertTrue(interrupted.contains("# interrupted with Ctrl-C in the session"), interrupted)
        XCTAssertTrue(interrupted.contains("hist = fit(bpr(score, negatives: 16), split.train, epochs: 500)\nhist\n"), interrupted)
        let replayed = try rec(["run", home + "/interrupted.rec", "--data", Self.data, "--max-epochs", "1"])
        XCTAssertEqual(replayed.status, 0, replayed.err)
        // :step at a real terminal: each statement shown with its comments, Enter runs, s skips, q stops.
        let steps = home + "/steps.rec"
        try "# first a tensor\nx = tensor([1, 2])\n\n# then its shape\nx.shape\ny = x * 2\ny\n".write(toFile: steps, atomically: true, encoding: .utf8)
        // From a fresh session: going back replays the whole session (the fit stopped above
        // would run in full), so the count below is of the steps alone.
        _ = try tmux(["send-keys", "-t", name, ":reset", "Enter"])
        _ = try waitFor("session reset", in: name)
        _ = try tmux(["send-keys", "-t", name, ":step \(steps)", "Enter"])
        _ = try waitFor("step 1/4", in: name)
        _ = try waitFor("# first a tensor", in: name)
        _ = try tmux(["send-keys", "-t", name, "Enter"])
        _ = try waitFor("step 2/4", in: name)
        _ = try tmux(["send-keys", "-t", name, "Enter"])
        _ = try waitFor("step 3/4", in: name)
        // Back one step: the session is rebuilt by replaying step 1 only.
        _ = try tmux(["send-keys", "-t", name, "b", "Enter"])
        _ = try waitFor("1 statement replayed", in: name)
        _ = try tmux(["send-keys", "-t", name, "Enter"])
        _ = try waitFor("step 3/4", in: name)
        _ = try tmux(["send-keys", "-t", name, "s", "Enter"])
        _ = try waitFor("step 4/4", in: name)
        _ = try tmux(["send-keys", "-t", name, "q", "Enter"])
        _ = try tmux(["send-keys", "-t", name, "x", "Enter"])
        let stepped = try waitFor("rec> x\ntensor [2]\n[1, 2]", in: name)
        XCTAssertFalse(stepped.contains("[2, 4]"), "the skipped step did not run:\n\(stepped)")
        // :save writes what succeeded; rec run replays it to the same numbers.
        _ = try tmux(["send-keys", "-t", name, ":reset", "Enter"])
        _ = try waitFor("session reset", in: name)
        _ = try tmux(["send-keys", "-t", name, "w = randn([2])", "Enter"])
        _ = try waitFor("rec> w = randn([2])\nrec>", in: name)
        _ = try tmux(["send-keys", "-t", name, "w", "Enter"])
        // Wait for w's value before typing on: keys typed ahead are echoed by the terminal
        // before the value is printed, which would split "rec> w" from its output.
        _ = try waitFor("rec> w\ntensor [2]\n[", in: name)
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

/// The tutorial sessions: every script resolves (`rec check`), every exercise runs, and the
/// solutions run in full on the real data to the figures their headers state (the ranges
/// asserted here are the ones written at the top of each script).
final class TutorialTests: XCTestCase {
    static let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("scripts/tutorial")

    func run(_ args: [String]) throws -> (out: String, err: String, status: Int32) {
        try WorkbenchTests(name: "x", testClosure: { _ in }).rec(args)
    }

    func testEveryScriptResolves() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.dir.path).filter { $0.hasSuffix(".rec") }.sorted()
        XCTAssertGreaterThanOrEqual(files.count, 14)
        for f in files {
            let r = try run(["check", Self.dir.appendingPathComponent(f).path])
            XCTAssertEqual(r.status, 0, "\(f): \(r.err)")
        }
    }

    /// Runs a tutorial script on the real data; skips without it.
    func session(_ file: String, _ extra: [String] = []) throws -> String {
        guard FileManager.default.fileExists(atPath: WorkbenchTests.data + "/ml-100k/u.data") else { throw XCTSkip("no ML-100K data") }
        let r = try run(["run", Self.dir.appendingPathComponent(file).path, "--data", WorkbenchTests.data] + extra)
        XCTAssertEqual(r.status, 0, "\(file): \(r.err)")
        return r.out
    }

    func testExercisesRun() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.dir.path).filter { $0.hasSuffix("-exercise.rec") }.sorted()
        XCTAssertGreaterThanOrEqual(files.count, 6)
        for f in files { _ = try session(f, ["--max-epochs", "1"]) }
    }

    func testTensorsAndData() throws {
        let tensors = try session("01-tensors.rec")
        XCTAssertTrue(tensors.contains("[1, -2, 3]"), tensors)  // w.grad = w
        let data = try session("02-data.rec")
        XCTAssertTrue(data.contains("943 users, 1682 items, 55375 events"), data)
    }

    /// `# expect: NAME PART LO..HI` lines of a script's header: the ndcg@20 of row NAME, part
    /// PART, in the last table printed that has that row, lies in [LO, HI].
    static func expectations(_ file: String) throws -> [(name: String, part: String, range: ClosedRange<Double>)] {
        let text = try String(contentsOf: dir.appendingPathComponent(file), encoding: .utf8)
        return text.split(separator: "\n").filter { $0.hasPrefix("# expect: ") }.compactMap { line in
            let w = line.dropFirst("# expect: ".count).split(separator: " ")
            let bounds = w.count == 3 ? w[2].components(separatedBy: "..").compactMap(Double.init) : []
            guard bounds.count == 2, bounds[0] <= bounds[1] else { XCTFail("\(file): bad expect line: \(line)"); return nil }
            return (String(w[0]), String(w[1]), bounds[0]...bounds[1])
        }
    }

    /// Runs a solution and checks every expect line of its header; its exercise must state
    /// the same figures. Returns the output for further checks.
    @discardableResult
    func checkExpectations(_ solution: String) throws -> String {
        let expected = try Self.expectations(solution)
        XCTAssertFalse(expected.isEmpty, "\(solution) states no figures")
        let exercise = solution.replacingOccurrences(of: ".rec", with: "-exercise.rec")
        XCTAssertEqual(try Self.expectations(exercise).map { "\($0.name) \($0.part) \($0.range)" },
                       expected.map { "\($0.name) \($0.part) \($0.range)" }, "\(exercise) states other figures than \(solution)")
        let out = try session(solution), t = EvaluationTables(out)
        for e in expected {
            let v = try t.lastNDCG(e.name, part: e.part)
            XCTAssert(e.range.contains(v), "\(solution): \(e.name) \(e.part) ndcg@20 \(v) outside \(e.range)\n\(out)")
        }
        return out
    }

    func testTrackA() throws {
        let out = try checkExpectations("03-track-a.rec"), t = EvaluationTables(out)
        XCTAssertGreaterThan(try t.lastNDCG("hybrid", part: "cold"), try t.lastNDCG("popularity", part: "cold"), out)
        XCTAssertGreaterThan(try t.lastNDCG("hybrid", part: "cold"), try t.lastNDCG("ids_32", part: "cold"), out)
        for part in ["ids_only", "content_only"] {
            XCTAssertGreaterThan(try t.lastNDCG("hybrid", part: "warm"), try t.lastNDCG(part, part: "warm"), out)
        }
    }

    func testTrackB() throws { try checkExpectations("04-track-b.rec") }

    func testTrackC() throws { try checkExpectations("05-track-c.rec") }

    func testTrackD() throws { try checkExpectations("06-track-d.rec") }

    func testColdStart() throws {
        let out = try checkExpectations("07-cold-start.rec")
        let lines = out.split(separator: "\n")
        let robot = "top 5 users for the plot \"A lonely robot falls in love in outer space.\""
        var lists: [[Substring]] = []
        for heading in [robot, "top 5 users for Toy Story (1995)", robot] {
            let from = lists.count == 2 ? try XCTUnwrap(lines.lastIndex(where: { $0 == heading })) : try XCTUnwrap(lines.firstIndex(where: { $0 == heading }), out)
            let ranked = Array(lines[(from + 1)...].prefix(5))
            XCTAssertEqual(ranked.map { $0.prefix(3) }, [" 1.", " 2.", " 3.", " 4.", " 5."], out)
            XCTAssert(ranked.allSatisfy { $0.contains("liked: ") }, out)
            lists.append(ranked)
        }
        XCTAssertTrue(lists[0].joined().contains("2001: A Space Odyssey"), "content-space reasons for the robot plot:\n\(out)")
        // Negatives drawn by activity: other users, science-fiction fans, a lower NDCG@20.
        let users = { (list: [Substring]) in Set(list.map { $0.split(separator: " ")[2] }) }
        XCTAssertTrue(users(lists[0]).isDisjoint(with: users(lists[2])), out)
        XCTAssertTrue(lists[2].joined().contains("Star Trek"), out)
    }

    func testLosses() throws {
        let out = try checkExpectations("08-losses.rec"), t = EvaluationTables(out)
        for ranking in ["bpr", "listwise", "bpr_by_hand"] {
            XCTAssertGreaterThan(try t.lastNDCG(ranking, part: "cold"), try t.lastNDCG("wmse", part: "cold"), "\(ranking): \(out)")
        }
        // Same seed, same draws, same loss: BPR by hand is the fused bpr, figure for figure.
        for column in ["recall@20", "ndcg@20", "mrr", "auc"] {
            XCTAssertEqual(try t.lastNDCG("bpr_by_hand", part: "cold", column: column), try t.lastNDCG("bpr", part: "cold", column: column), out)
        }
    }
}

/// The tables `compare` prints: a header line (`part items recall@20 ndcg@20 …`), then rows
/// `name all …` followed by `     cold …` / `     warm …` continuation rows.
struct EvaluationTables {
    struct Row { let name: String, part: String, cells: [String: Double] }
    var tables: [[Row]] = []

    init(_ out: String) {
        var header: [String] = [], name = ""
        for line in out.split(separator: "\n") {
            let words = line.split(separator: " ").map(String.init)
            if line.first == " ", words.first == "part" { header = words; tables.append([]); continue }
            guard !tables.isEmpty, !header.isEmpty else { continue }
            let startsRow = line.first != " "
            guard words.count == header.count + (startsRow ? 1 : 0) else { header = []; continue }
            if startsRow { name = words[0] }
            let values = startsRow ? Array(words.dropFirst()) : words
            var cells: [String: Double] = [:]
            for (h, v) in zip(header.dropFirst(), values.dropFirst()) { cells[h] = Double(v) }
            tables[tables.count - 1].append(Row(name: name, part: values[0], cells: cells))
        }
    }

    /// The figure of row NAME, part PART, in the last table that has that row.
    func lastNDCG(_ name: String, part: String, column: String = "ndcg@20") throws -> Double {
        guard let k = tables.lastIndex(where: { $0.contains { $0.name == name && $0.part == part } }) else {
            throw Missing(description: "no table has the row \(name)/\(part)")
        }
        return try ndcg(k, name, part: part, column: column)
    }

    struct Missing: Error, CustomStringConvertible { let description: String }

    func ndcg(_ table: Int, _ name: String, part: String = "cold", column: String = "ndcg@20") throws -> Double {
        guard table < tables.count, let value = tables[table].first(where: { $0.name == name && $0.part == part })?.cells[column]
        else { throw Missing(description: "no \(column) for \(name)/\(part) in table \(table) of \(tables.count)") }
        return value
    }
}
