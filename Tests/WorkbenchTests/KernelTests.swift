import XCTest
import Foundation

/// The Jupyter kernel as Jupyter's own clients meet it: Tests/kernel/test_kernel.py runs
/// jupyter_client, nbclient and nbformat against the built `rec` (kernelspec install, a
/// notebook executed end to end, completion, completeness, inspection, interrupts, restart,
/// shutdown). The Python comes from the virtual environment scripts/test makes; in CI
/// (REC_CI=1) a missing one fails the test instead of skipping it.
final class KernelTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func python() throws -> String {
        let env = ProcessInfo.processInfo.environment
        let candidates = [env["REC_KERNEL_PYTHON"], NSHomeDirectory() + "/.cache/rec-ci-venv/bin/python"].compactMap { $0 }
        for c in candidates where FileManager.default.isExecutableFile(atPath: c) {
            if try run(c, ["-c", "import jupyter_client, nbclient, nbformat"], timeout: 60).status == 0 { return c }
        }
        let message = "no Python with jupyter_client, nbclient and nbformat (scripts/test makes one in ~/.cache/rec-ci-venv)"
        if env["REC_CI"] == "1" { throw MissingPython(description: message) }
        throw XCTSkip(message)
    }

    struct MissingPython: Error, CustomStringConvertible { let description: String }

    func testKernelUnderJupyterClients() throws {
        let script = Self.root.appendingPathComponent("Tests/kernel/test_kernel.py").path
        let r = try run(try python(), [script, WorkbenchTests.rec, Self.root.appendingPathComponent("Data").path], timeout: 240)
        XCTAssertEqual(r.status, 0, r.output)
        let summary = r.output.split(separator: "\n").last { $0.hasSuffix(" failed") } ?? ""
        XCTAssertTrue(summary.hasSuffix(" passed, 0 failed"), r.output)
        XCTAssertGreaterThanOrEqual(Int(summary.split(separator: " ").first ?? "") ?? 0, 10, r.output)
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
}
