import XCTest
@testable import Lang
@testable import Model

/// A session trains on its own thread setting — one unless `threads(n)` or `--threads` says
/// otherwise — never on OpenBLAS's process-wide default (the machine's cores), so a script
/// gives the same numbers in a test process, the kernel and `rec run`.
final class SessionThreadsTests: XCTestCase {
    static let demo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Data").path

    func transcript(_ source: String) -> String {
        let session = Session(seed: 7, dataDirectory: Self.demo)
        var out = ""
        session.output = { o in
            if case .value = o, let text = o.plainText { out += text + "\n" }
            if case .error(let e, _) = o { out += "error: " + e.message + "\n" }
        }
        _ = session.run(source, origin: "threads.rec", stopOnError: true)
        return out
    }

    func testFitTrainsOnTheSessionsThreadsNotOpenBLASsDefault() throws {
        let before = BLAS.threads
        defer { BLAS.setThreads(before) }
        let script = """
        ml = movielens("demo", plots: "demo/plots.tsv")
        split = ml.split()
        score = dot(embedding(ml.users, 8), embedding(ml.items, 8))
        hist = fit(bpr(score, negatives: 8), split.train, epochs: 2, batch: 64);
        evaluate(score, split.test_warm)
        """
        BLAS.setThreads(1)
        let serial = transcript(script)
        XCTAssertFalse(serial.contains("error"), serial)
        BLAS.setThreads(2)  // what an xctest or kernel process has by default on two cores
        XCTAssertEqual(transcript(script), serial, "a new session trains on one thread")
        guard Limits.cores >= 2 else { return }
        let split = transcript("threads(2)\n" + script)
        XCTAssertNotEqual(split, serial, "threads(2) splits each batch in two (other, fixed, numbers)")
        XCTAssertEqual(transcript("threads(2)\n" + script), split)
    }

    /// wmse over every user on two threads, as a script runs it: the parts meet inside the
    /// Gramian op and decay their own slices of the users; the same numbers every run, other
    /// bits than one thread, and the same training (the losses close to the serial ones).
    func testWMSEOverAllUsersOnTwoThreadsGivesTheSameNumbersEveryRun() throws {
        guard Limits.cores >= 2 else { return }
        let script = """
        ml = movielens("demo", plots: "demo/plots.tsv")
        split = ml.split()
        score = dot(embedding(ml.users, 8, decay: 0.01), embedding(ml.items, 8, decay: 0.01))
        hist = fit(wmse(score, alpha: 0.5, negatives: "all"), split.train, epochs: 3, batch: 64);
        hist.loss
        """
        let serial = transcript(script), split = transcript("threads(2);\n" + script)
        XCTAssertFalse(split.contains("error"), split)
        XCTAssertEqual(transcript("threads(2);\n" + script), split)
        XCTAssertNotEqual(split, serial)
        let losses = { (t: String) in t.split(whereSeparator: { !"0123456789.".contains($0) }).compactMap { Double($0) } }
        let (a, b) = (losses(split), losses(serial))
        XCTAssertEqual(a.count, b.count, "\(split) against \(serial)")
        XCTAssertFalse(a.isEmpty)
        for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: 0.02 * abs(y) + 1e-6, "\(split) against \(serial)") }
    }
}
