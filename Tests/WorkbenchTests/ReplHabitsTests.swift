import XCTest
import Foundation
@testable import Workbench
@testable import Lang

/// What a person at the prompt relies on: completion that keeps what they typed, `_`,
/// `?x.member`, a warning when a name hides a builtin, and where the history lives.
final class ReplHabitsTests: XCTestCase {
    func session() -> Session {
        let s = Session(seed: 1, dataDirectory: NSTemporaryDirectory())
        s.run("t = tensor([1, 2])\nd = movielens", origin: "setup")
        return s
    }

    func complete(_ line: String, _ s: Session) -> [String] {
        Completion.candidates(line: line, end: line.count, session: s)
    }

    func testCompletionKeepsTheQuestionMarkAndFindsMembers() {
        let s = session()
        XCTAssertEqual(complete("?evalu", s), ["?evaluate"])
        XCTAssertEqual(complete("?t.sh", s), ["?t.shape"])
        XCTAssertEqual(complete("t.sh", s), ["t.shape"])
    }

    func testCompletionOfFilesAfterMetaCommandsIsFromTheCurrentDirectory() throws {
        let dir = NSTemporaryDirectory() + "rec-complete-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir + "/sub", withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: dir + "/session.rec", contents: Data())
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let s = session()
        XCTAssertEqual(complete(":run \(dir)/se", s), ["\(dir)/session.rec"])
        XCTAssertEqual(complete(":step \(dir)/s", s), ["\(dir)/session.rec", "\(dir)/sub/"])
        XCTAssertFalse(complete(":run \(dir)/x", s).contains("ones"), "never a builtin in a path")
    }

    /// Inside a string, paths come from the current directory (where files are written and
    /// load looks first) and from the data directory.
    func testCompletionInAStringOffersTheCurrentAndTheDataDirectory() throws {
        let data = NSTemporaryDirectory() + "rec-complete-data-\(getpid())"
        try FileManager.default.createDirectory(atPath: data + "/ml-test", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: data) }
        let s = Session(seed: 1, dataDirectory: data)
        let here = try XCTUnwrap(try FileManager.default.contentsOfDirectory(atPath: ".").first { !$0.hasPrefix(".") && !$0.hasPrefix("ml-") })
        XCTAssertTrue(complete("load(\"\(here.prefix(3))", s).contains { $0.hasPrefix(here) }, "the current directory's \(here)")
        XCTAssertEqual(complete("movielens(\"ml-te", s), ["ml-test/"])
    }

    func testCompletionOfKeywordsOfBuiltinsAndMethods() {
        let demo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Data").path
        let s = Session(seed: 1, dataDirectory: demo)
        XCTAssertEqual(s.run("ml = movielens(\"demo\")", origin: "x").map(\.status), [.ok])
        XCTAssertTrue(complete("fit(loss, ev, epo", s).contains("epochs:"))
        XCTAssertEqual(complete("split = ml.split(cold", s), ["cold_items:"])
        XCTAssertTrue(complete("split = ml.split(0.2, hold", s).contains("holdout:"))
    }

    func testUnderscoreIsTheLastValue() {
        let s = session()
        var shown: [String] = []
        s.output = { o in if let t = o.plainText { shown.append(t) } }
        s.run("2 + 3\n_ * 10\nx = 7\n_", origin: "u")
        XCTAssertEqual(shown, ["5", "50", "50"], "an assignment does not change _")
    }

    func testBindingABuiltinsNameWarns() {
        let s = session()
        var warnings: [String] = []
        s.output = { o in if case .warning(let w) = o { warnings.append(w) } }
        s.run("fit = 3\nfit = 4", origin: "w")
        XCTAssertEqual(warnings, ["'fit' now names a value: the builtin fit(…) is hidden until :reset"], "once, when it first hides it")
    }

    func testHelpForAMemberOfAValue() {
        let s = session()
        XCTAssertTrue(Help.text(for: "t.shape", session: s).hasPrefix("tensor.shape\n"), Help.text(for: "t.shape", session: s))
        XCTAssertTrue(Help.text(for: "t.shap", session: s).contains("did you mean .shape?"))
        XCTAssertTrue(Help.text(for: "t", session: s).hasPrefix("t: tensor"))
    }

    func testASemicolonSilencesEverythingButWarningsAndErrors() {
        let demo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Data").path
        let s = Session(seed: 1, dataDirectory: demo)
        var outputs: [String] = []
        s.output = { o in if case .progress = o {} else { outputs.append(o.plainText ?? "") } }
        s.run("ml = movielens(\"demo\")\nsplit = ml.split()\nscore = dot(embedding(ml.users, 4), embedding(ml.items, 4))", origin: "s")
        outputs = []
        s.run("fit(bpr(score, negatives: 8), split.train, epochs: 2);", origin: "s")
        XCTAssertEqual(outputs, [], "no epoch lines, no value")
        s.run("fit(bpr(score, negatives: 8), split.train, epochs: 2)", origin: "s")
        XCTAssertEqual(outputs.filter { $0.hasPrefix("epoch ") }.count, 2)
        outputs = []
        s.run("nosuch(1);", origin: "s")
        XCTAssertEqual(outputs.count, 1, "errors still show")
    }

    func testSaveAndExportReplaceOnlyWhatRecWrote() throws {
        let dir = NSTemporaryDirectory() + "rec-save-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "notes of mine\n".write(toFile: dir + "/notes.rec", atomically: true, encoding: .utf8)
        let repl = Repl(seed: 1, dataDirectory: dir, interactive: false)
        XCTAssertFalse(repl.meta(":save \(dir)/notes.rec"), "a file rec did not write is kept")
        XCTAssertEqual(try String(contentsOfFile: dir + "/notes.rec", encoding: .utf8), "notes of mine\n")
        XCTAssertTrue(repl.meta(":save \(dir)/session.rec"))
        XCTAssertTrue(repl.meta(":save \(dir)/session.rec"), "its own saved session is replaced")
        XCTAssertTrue(repl.meta(":export \(dir)/page.html"))
        XCTAssertTrue(repl.meta(":export \(dir)/page.html"))
        XCTAssertFalse(repl.meta(":export \(dir)/notes.rec"))
    }

    func testTimeTakesOnOrOff() {
        let repl = Repl(seed: 1, dataDirectory: NSTemporaryDirectory(), interactive: false)
        XCTAssertTrue(repl.meta(":time on"))
        XCTAssertTrue(repl.timing)
        XCTAssertFalse(repl.meta(":time maybe"), "a typo is an error")
        XCTAssertTrue(repl.timing, "and leaves timing as it was")
        XCTAssertTrue(repl.meta(":time off"))
        XCTAssertFalse(repl.timing)
        XCTAssertTrue(repl.meta(":time"))
        XCTAssertTrue(repl.timing, ":time alone turns it on")
    }

    func testHistoryFileFollowsXDGStateHomeThenHome() throws {
        let state = NSTemporaryDirectory() + "rec-state-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: state) }
        XCTAssertEqual(HistoryFile.location(["XDG_STATE_HOME": state, "HOME": "/h"]), state + "/rec/history")
        XCTAssertEqual(HistoryFile.location(["HOME": "/h"]), "/h/.rec_history")
    }
}
