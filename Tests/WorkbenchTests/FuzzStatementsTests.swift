import XCTest
import Foundation

/// `rec fuzz`: the harness sees crashes and hangs (a stand-in binary that crashes on one
/// statement and ignores Ctrl-C on another) and reports each with its statement.
final class FuzzStatementsTests: XCTestCase {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static var demo: String { repository.appendingPathComponent("Data/demo").path }

    func fuzz(_ args: [String]) throws -> (out: String, status: Int32) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: WorkbenchTests.rec)
        p.arguments = ["fuzz"] + args + ["--demo", Self.demo]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (String(decoding: data, as: UTF8.self), p.terminationStatus)
    }

    static func total(_ name: String, in out: String) -> Int? {
        guard let r = out.range(of: #"\b"# + name + #" \d+"#, options: .regularExpression) else { return nil }
        return Int(out[r].split(separator: " ").last!)
    }

    /// The fixed-seed run CI makes: 20,000 generated statements (every builtin, keyword and
    /// member, values at the edges, deep nesting) against the real `rec` in child processes,
    /// with no crash and no hang. `scripts/fuzz 1000000` is the volume run.
    func testTwentyThousandGeneratedStatementsNeitherCrashNorHang() throws {
        let r = try fuzz(["20000", "--seed", "2026", "--jobs", "2"])
        XCTAssertEqual(Self.total("statements", in: r.out), 20000, r.out)
        XCTAssertEqual(Self.total("crashes", in: r.out), 0, r.out)
        XCTAssertEqual(Self.total("hangs", in: r.out), 0, r.out)
        XCTAssertGreaterThan(Self.total("values", in: r.out) ?? 0, 5000, r.out)
        XCTAssertGreaterThan(Self.total("errors", in: r.out) ?? 0, 5000, r.out)
        XCTAssertEqual(r.status, 0, r.out)
    }

    /// Against the real `rec` (the prelude loads the demo data): each statement's outcome is
    /// told apart by the markers, a meta-command included.
    func testRealSessionsGiveEachStatementItsOutcome() throws {
        let dir = NSTemporaryDirectory() + "rec-fuzz-test-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let statements = ["1 + 1", "nosuch", "x = tensor([1, 2])", "x * 2", "sum(x, axis: 5)", "help(\"fit\")", ":vars",
                          "ml.items", "[1, 2][5]", "evaluate(score, test, k: 5)"]
        try (statements.joined(separator: "\n") + "\n").write(toFile: dir + "/statements", atomically: true, encoding: .utf8)
        let r = try fuzz(["--statements", dir + "/statements", "--stall", "30"])
        XCTAssertEqual(Self.total("statements", in: r.out), 10, r.out)
        XCTAssertEqual(Self.total("errors", in: r.out), 3, r.out)
        XCTAssertEqual(Self.total("values", in: r.out), 7, r.out)
        XCTAssertEqual(Self.total("crashes", in: r.out), 0, r.out)
        XCTAssertFalse(r.out.contains("prelude"), r.out)
        XCTAssertEqual(r.status, 0, r.out)
    }

    /// A stand-in for `rec` that echoes statements (markers included), crashes on `crash`,
    /// ignores Ctrl-C forever on `hang` and leaves on `quit`: the harness reports each with its
    /// statement (leaving early counts as a crash: a session goes on whatever it is fed), and
    /// runs the rest in new children.
    func testHarnessReportsCrashesAndHangsWithTheirStatement() throws {
        let dir = NSTemporaryDirectory() + "rec-fuzz-test-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let fake = dir + "/fake-rec"
        try """
        #!/bin/sh
        while IFS= read -r line; do
          case "$line" in
            crash) kill -SEGV $$ ;;
            hang) trap '' INT; while :; do sleep 1; done ;;
            quit) exit 0 ;;
            *) printf '%s\\n' "$line" ;;
          esac
        done
        """.write(toFile: fake, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: fake)
        try "1\ncrash\n2\nhang\n3\nquit\n4\n".write(toFile: dir + "/statements", atomically: true, encoding: .utf8)
        let r = try fuzz(["--statements", dir + "/statements", "--rec", fake, "--stall", "0.5", "--grace", "1"])
        XCTAssertEqual(Self.total("statements", in: r.out), 7, r.out)
        XCTAssertEqual(Self.total("values", in: r.out), 4, r.out)
        XCTAssertEqual(Self.total("crashes", in: r.out), 2, r.out)
        XCTAssertEqual(Self.total("hangs", in: r.out), 1, r.out)
        XCTAssertTrue(r.out.contains("CRASH ×1  SIGSEGV\n"), r.out)
        XCTAssertTrue(r.out.contains("  > crash\n"), r.out)
        XCTAssertTrue(r.out.contains("HANG ×1  hang · hang\n"), r.out)
        XCTAssertTrue(r.out.contains("  > hang"), r.out)
        XCTAssertTrue(r.out.contains("CRASH ×1  exit 0 before the input ended\n"), r.out)
        XCTAssertTrue(r.out.contains("  > quit"), r.out)
        XCTAssertEqual(r.status, 1)
    }
}
