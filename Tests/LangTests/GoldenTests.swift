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

    /// What the workbench would print for a script read as piped input: values, warnings and
    /// errors (epoch notes carry timings and are left out), statements going on after an error.
    static func transcript(_ source: String, origin: String) -> String {
        let session = Session(seed: 42, dataDirectory: dataDirectory())
        var out = ""
        session.output = { o in
            switch o {
            case .value, .warning, .error: if let text = o.plainText { out += text + "\n" }
            case .note, .progress: break
            }
        }
        _ = session.run(source, origin: origin, stopOnError: false)
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
