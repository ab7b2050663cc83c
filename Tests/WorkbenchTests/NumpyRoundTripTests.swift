import XCTest
import Foundation

/// rec's files as NumPy and Python's csv and json read them (Tests/numpy/test_numpy.py): an
/// array of every numeric dtype in 0–3 dimensions (either byte order, Fortran order) written
/// by NumPy, loaded by rec and exported back, and every kind of result as CSV and JSON.
final class NumpyRoundTripTests: XCTestCase {
    func testNumpyReadsWhatRecWritesAndRecReadsWhatNumpyWrites() throws {
        let script = KernelTests.root.appendingPathComponent("Tests/numpy/test_numpy.py").path
        let python = try python(importing: "numpy")
        expectAllPassed(try run(python, [script, WorkbenchTests.rec, KernelTests.root.appendingPathComponent("Data").path], timeout: 300), minimum: 9)
    }
}
