import XCTest
import Foundation

/// The Python that tests drive rec with: `$REC_KERNEL_PYTHON` (the virtual environment
/// scripts/test makes in ~/.cache/rec-ci-venv), that environment, else the system's python3 —
/// the first that imports `modules`. None: the test skips, or fails in CI (REC_CI=1).
extension XCTestCase {
    func python(importing modules: String) throws -> String {
        let env = ProcessInfo.processInfo.environment
        let candidates = [env["REC_KERNEL_PYTHON"], NSHomeDirectory() + "/.cache/rec-ci-venv/bin/python", "/usr/bin/python3",
                          "/usr/local/bin/python3"].compactMap { $0 }
        for c in candidates where FileManager.default.isExecutableFile(atPath: c) {
            if try run(c, ["-c", "import " + modules], timeout: 60).status == 0 { return c }
        }
        let message = "no Python with \(modules) (scripts/test makes one in ~/.cache/rec-ci-venv)"
        if env["REC_CI"] == "1" { throw MissingPython(description: message) }
        throw XCTSkip(message)
    }

    /// Runs a program to its end (killed after `timeout` seconds); its output and error together.
    func run(_ program: String, _ args: [String], timeout: Double) throws -> (output: String, status: Int32) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: program)
        p.arguments = args
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let watchdog = DispatchWorkItem { if p.isRunning { p.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: watchdog)
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        watchdog.cancel()
        return (String(decoding: output, as: UTF8.self), p.terminationStatus)
    }

    /// A Python test script's "N passed, M failed" line: all passed, at least `minimum` of them.
    func expectAllPassed(_ r: (output: String, status: Int32), minimum: Int) {
        XCTAssertEqual(r.status, 0, r.output)
        let summary = r.output.split(separator: "\n").last { $0.hasSuffix(" failed") } ?? ""
        XCTAssertTrue(summary.hasSuffix(" passed, 0 failed"), r.output)
        XCTAssertGreaterThanOrEqual(Int(summary.split(separator: " ").first ?? "") ?? 0, minimum, r.output)
    }
}

struct MissingPython: Error, CustomStringConvertible { let description: String }
