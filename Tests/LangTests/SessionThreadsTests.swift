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
}
