import XCTest
import Foundation

/// The Jupyter kernel as Jupyter's own clients meet it: Tests/kernel/test_kernel.py runs
/// jupyter_client, nbclient and nbformat against the built `rec` (kernelspec install, a
/// notebook executed end to end, completion, completeness, inspection, interrupts, restart,
/// shutdown). The Python comes from the virtual environment scripts/test makes; in CI
/// (REC_CI=1) a missing one fails the test instead of skipping it.
final class KernelTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func testKernelUnderJupyterClients() throws {
        let script = Self.root.appendingPathComponent("Tests/kernel/test_kernel.py").path
        let python = try python(importing: "jupyter_client, nbclient, nbformat")
        expectAllPassed(try run(python, [script, WorkbenchTests.rec, Self.root.appendingPathComponent("Data").path], timeout: 240), minimum: 10)
    }
}
