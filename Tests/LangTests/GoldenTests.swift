import XCTest
import Foundation
@testable import Lang

/// Each `cases/NAME.rec` runs in a fresh session (seed 42, data from $REC_DATA or
/// ../shared/data); what it prints — values, then errors rendered as the workbench renders
/// them — must equal `cases/NAME.out`. Set REC_UPDATE_GOLDEN=1 to rewrite the .out files.
final class GoldenTests: XCTestCase {
    static let cases = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("cases")

    static func dataDirectory() -> String {
        if let env = ProcessInfo.processInfo.environment["REC_DATA"], !env.isEmpty { return env }
        return cases.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("shared/data").path
    }

    /// What the workbench would print for a script (statements go on after an error, as at the prompt).
    static func transcript(_ source: String, origin: String) -> String {
        let session = Session(seed: 42, dataDirectory: dataDirectory())
        let interpreter = Interpreter(session: session)
        var out = "", feeder = StatementFeeder()
        // Statement by statement, as the REPL feeds them, so that one error does not stop the rest.
        func run(_ text: String, _ line: Int) {
            let (outcomes, full) = interpreter.run(statement: text, origin: origin, line: line)
            for outcome in outcomes {
                switch outcome.result {
                case .value(let v): if !(outcome.statement?.silent ?? false), !v.display.isEmpty { out += v.display + "\n" }
                case .bound: break
                case .error(let e): out += Diagnostic.render(e, source: full)
                }
            }
        }
        for line in source.split(separator: "\n", omittingEmptySubsequences: false) {
            if let (text, first) = feeder.feed(String(line)) { run(text, first) }
        }
        if let (text, first) = feeder.finish() { run(text, first) }
        return out
    }

    func testGoldenCases() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.cases.path).filter { $0.hasSuffix(".rec") }.sorted()
        XCTAssertFalse(files.isEmpty)
        let update = ProcessInfo.processInfo.environment["REC_UPDATE_GOLDEN"] != nil
        for file in files {
            let source = try String(contentsOf: Self.cases.appendingPathComponent(file), encoding: .utf8)
            if source.contains("movielens(") && !FileManager.default.fileExists(atPath: Self.dataDirectory()) { continue }
            let got = Self.transcript(source, origin: file)
            let expectedURL = Self.cases.appendingPathComponent(file.replacingOccurrences(of: ".rec", with: ".out"))
            if update { try got.write(to: expectedURL, atomically: true, encoding: .utf8); continue }
            let expected = (try? String(contentsOf: expectedURL, encoding: .utf8)) ?? "<missing \(expectedURL.lastPathComponent)>"
            XCTAssertEqual(got, expected, "\(file): output differs")
        }
    }
}
