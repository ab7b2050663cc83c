import XCTest
import Foundation

/// `rec convert` between scripts and notebooks, through the built binary.
final class ConvertTests: XCTestCase {
    let dir = NSTemporaryDirectory() + "rec-convert-\(UUID().uuidString)"

    override func setUpWithError() throws {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: dir)
    }

    func rec(_ args: [String]) throws -> (out: String, err: String, status: Int32) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: WorkbenchTests.rec)
        p.arguments = args
        let stdout = Pipe(), stderr = Pipe()
        (p.standardOutput, p.standardError, p.standardInput) = (stdout, stderr, FileHandle.nullDevice)
        try p.run()
        let out = stdout.fileHandleForReading.readDataToEndOfFile(), err = stderr.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self), p.terminationStatus)
    }

    func notebook(_ path: String) throws -> [[String: Any]] {
        let json = try JSONSerialization.jsonObject(with: try Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any]
        XCTAssertEqual(json?["nbformat"] as? Int, 4)
        return try XCTUnwrap(json?["cells"] as? [[String: Any]])
    }

    func source(_ cell: [String: Any]) -> String { (cell["source"] as? [String] ?? []).joined() }

    /// Every tutorial script comes back byte for byte from its notebook; comment-only groups
    /// are Markdown cells without their `# `.
    func testTutorialScriptsRoundTripThroughNotebooks() throws {
        let tutorial = KernelTests.root.appendingPathComponent("scripts/tutorial").path
        let scripts = try FileManager.default.contentsOfDirectory(atPath: tutorial).filter { $0.hasSuffix(".rec") }.sorted()
        XCTAssertGreaterThan(scripts.count, 5)
        for name in scripts {
            let original = tutorial + "/" + name
            XCTAssertEqual(try rec(["convert", original, dir + "/n.ipynb", "--overwrite"]).status, 0)
            XCTAssertEqual(try rec(["convert", dir + "/n.ipynb", dir + "/back.rec", "--overwrite"]).status, 0)
            XCTAssertEqual(try String(contentsOfFile: dir + "/back.rec", encoding: .utf8),
                           try String(contentsOfFile: original, encoding: .utf8), name)
        }
        XCTAssertEqual(try rec(["convert", tutorial + "/03-track-a.rec", dir + "/a.ipynb"]).status, 0)
        let cells = try notebook(dir + "/a.ipynb")
        XCTAssertEqual(cells.first?["cell_type"] as? String, "markdown")
        XCTAssertTrue(source(cells[0]).hasPrefix("Track (a) — TF-IDF-weighted word vectors"), source(cells[0]))
        XCTAssertEqual(cells[1]["cell_type"] as? String, "code")
        XCTAssertTrue(source(cells[1]).hasPrefix("seed(1)\nml    = movielens("), source(cells[1]))
    }

    /// A notebook whose cells blank lines cannot carry converts with `# %%` markers, replays
    /// with `rec run`, and comes back with the same cells.
    func testNotebookToScriptAndBack() throws {
        let cells: [[String: Any]] = [
            ["cell_type": "markdown", "metadata": [:], "source": ["# Title\n", "\n", "Some *text*."]],
            ["cell_type": "code", "metadata": [:], "outputs": [], "execution_count": 1, "source": "a = tensor([1, 2])\n\nb = sum(a)\nb"],
            ["cell_type": "code", "metadata": [:], "outputs": [], "execution_count": NSNull(), "source": ["c = tensor([\n", "\n", "  3])\n", "sum(c) + b"]],
        ]
        let nb: [String: Any] = ["nbformat": 4, "nbformat_minor": 5, "metadata": [:], "cells": cells]
        try JSONSerialization.data(withJSONObject: nb).write(to: URL(fileURLWithPath: dir + "/in.ipynb"))
        XCTAssertEqual(try rec(["convert", dir + "/in.ipynb", dir + "/s.rec"]).status, 0)
        let script = try String(contentsOfFile: dir + "/s.rec", encoding: .utf8)
        XCTAssertEqual(script, "# %% [markdown]\n# # Title\n#\n# Some *text*.\n\n# %%\na = tensor([1, 2])\n\nb = sum(a)\nb\n\n"
                       + "# %%\nc = tensor([\n\n  3])\nsum(c) + b\n")
        let run = try rec(["run", dir + "/s.rec"])
        XCTAssertEqual(run.status, 0, run.err)
        XCTAssertEqual(run.out, "tensor []\n3\ntensor []\n6\n")
        XCTAssertEqual(try rec(["convert", dir + "/s.rec", dir + "/out.ipynb"]).status, 0)
        let back = try notebook(dir + "/out.ipynb")
        XCTAssertEqual(back.map { $0["cell_type"] as? String }, ["markdown", "code", "code"])
        XCTAssertEqual(back.map(source), ["# Title\n\nSome *text*.", "a = tensor([1, 2])\n\nb = sum(a)\nb", "c = tensor([\n\n  3])\nsum(c) + b"])
    }

    /// Without markers, a blank line inside an open bracket does not split the statement.
    func testBlankLinesInsideAStatementStayInItsCell() throws {
        try "# Sums\n\nx = tensor([1,\n\n  2])\nsum(x)\n\n\ny = 3\n".write(toFile: dir + "/s.rec", atomically: true, encoding: .utf8)
        XCTAssertEqual(try rec(["convert", dir + "/s.rec", dir + "/s.ipynb"]).status, 0)
        let cells = try notebook(dir + "/s.ipynb")
        XCTAssertEqual(cells.map { $0["cell_type"] as? String }, ["markdown", "code", "code"])
        XCTAssertEqual(cells.map(source), ["Sums", "x = tensor([1,\n\n  2])\nsum(x)", "y = 3"])
    }

    /// An existing file is not replaced without --overwrite: arguments given the wrong way round
    /// would have turned a notebook's outputs or a hand-written script into a conversion.
    func testConvertLeavesAnExistingFileAlone() throws {
        try "x = 1\n".write(toFile: dir + "/a.rec", atomically: true, encoding: .utf8)
        try "# my notes\ny = 2\n".write(toFile: dir + "/mine.rec", atomically: true, encoding: .utf8)
        XCTAssertEqual(try rec(["convert", dir + "/a.rec", dir + "/a.ipynb"]).status, 0)
        let refused = try rec(["convert", dir + "/a.ipynb", dir + "/mine.rec"])
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.err.contains("mine.rec exists: rec convert does not replace it (pass --overwrite to, or choose another name)"), refused.err)
        XCTAssertEqual(try String(contentsOfFile: dir + "/mine.rec", encoding: .utf8), "# my notes\ny = 2\n")
        XCTAssertEqual(try rec(["convert", dir + "/a.ipynb", dir + "/mine.rec", "--overwrite"]).status, 0)
        XCTAssertEqual(try String(contentsOfFile: dir + "/mine.rec", encoding: .utf8), "x = 1\n")
    }

    func testConvertReportsBadInput() throws {
        XCTAssertEqual(try rec(["convert", dir + "/a.txt", dir + "/b.ipynb"]).status, 2)
        let missing = try rec(["convert", dir + "/none.rec", dir + "/b.ipynb"])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.err.contains("none.rec: no such file"), missing.err)
        // A binary file is refused as `run` refuses it, not turned into a notebook of replacement characters.
        try Data([0xFF, 0xFE, 0x00, 0x9C]).write(to: URL(fileURLWithPath: dir + "/bin.rec"))
        let binary = try rec(["convert", dir + "/bin.rec", dir + "/bin.ipynb"])
        XCTAssertEqual(binary.status, 1)
        XCTAssertTrue(binary.err.contains("bin.rec: the file is not UTF-8 text"), binary.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/bin.ipynb"))
        try "{\"nbformat\": 3, \"worksheets\": []}".write(toFile: dir + "/old.ipynb", atomically: true, encoding: .utf8)
        let old = try rec(["convert", dir + "/old.ipynb", dir + "/b.rec"])
        XCTAssertEqual(old.status, 1)
        XCTAssertTrue(old.err.contains("not an nbformat 4 notebook"), old.err)
        try "not json".write(toFile: dir + "/bad.ipynb", atomically: true, encoding: .utf8)
        XCTAssertTrue(try rec(["convert", dir + "/bad.ipynb", dir + "/b.rec"]).err.contains("not JSON"))
    }
}
