import XCTest
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Files as the `rec` process writes them: `--read-only` writes nothing, a checkpoint is the
/// same bytes from run to run, and `split.save` killed at any moment leaves the old set or the
/// new one, never a mix, and nothing behind once the next save has run.
final class FileSafetyTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let demo = root.appendingPathComponent("Data").path
    var dir = ""

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "rec-safety-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }

    func script(_ name: String, _ text: String) throws -> String {
        let path = dir + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func start(_ args: [String]) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: WorkbenchTests.rec)
        p.arguments = args
        p.standardOutput = FileHandle.nullDevice
        p.standardError = Pipe()
        try p.run()
        return p
    }

    @discardableResult
    func run(_ args: [String]) throws -> (status: Int32, err: String) {
        let p = try start(args)
        let err = (p.standardError as! Pipe).fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: err, as: UTF8.self))
    }

    let setup = """
        ml = movielens("demo", plots: "demo/plots.tsv")
        split = ml.split()
        score = dot(embedding(ml.users, 8), embedding(ml.items, 8))
        hist = fit(bpr(score, negatives: 8), split.train, epochs: 2)

        """

    func testReadOnlyRunRefusesEveryWrite() throws {
        let writes = ["save(score, \"\(dir)/out/m.ckpt\")", "save(tensor([1]), \"\(dir)/out/t.npy\")",
                      "export(tensor([1]), \"\(dir)/out/t.npy\", overwrite: true)", "plot(hist, \"\(dir)/out/loss.svg\")",
                      "split.save(\"\(dir)/out/split\")"]
        try FileManager.default.createDirectory(atPath: dir + "/out", withIntermediateDirectories: true)
        for (k, write) in writes.enumerated() {
            let file = try script("w\(k).rec", setup + write + "\n\"after\"\n")
            let r = try run(["run", "--read-only", file, "--data", Self.demo])
            XCTAssertEqual(r.status, 1, write)
            XCTAssertTrue(r.err.contains("this session is read-only (rec run --read-only): nothing is written"), r.err)
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir + "/out"), [], write)
        }
        // The same scripts write when the run may.
        for k in writes.indices { XCTAssertEqual(try run(["run", dir + "/w\(k).rec", "--data", Self.demo]).status, 0) }
        XCTAssertEqual(Set(try FileManager.default.contentsOfDirectory(atPath: dir + "/out")), ["m.ckpt", "t.npy", "loss.svg", "split"])
    }

    /// Two processes (each with its own hashing seed) save the same model to the same bytes.
    func testCheckpointBytesAreTheSameFromRunToRun() throws {
        let file = try script("save.rec", "seed(5)\n" + setup.replacingOccurrences(of: "embedding(ml.items, 8)", with: "embedding(ml.items, 8) + dense(content(paragraph_vectors(ml.plots, dim: 8, epochs: 2)), 8)")
                              + "save(score, \"\(dir)/m.ckpt\")\n")
        XCTAssertEqual(try run(["run", file, "--data", Self.demo]).status, 0)
        try FileManager.default.moveItem(atPath: dir + "/m.ckpt", toPath: dir + "/first.ckpt")
        XCTAssertEqual(try run(["run", file, "--data", Self.demo]).status, 0)
        let first = try XCTUnwrap(FileManager.default.contents(atPath: dir + "/first.ckpt"))
        XCTAssertGreaterThan(first.count, 1000)
        XCTAssertEqual(first, FileManager.default.contents(atPath: dir + "/m.ckpt"))
    }

    /// The files of a split directory, by name.
    func contents(_ path: String) -> [String: Data] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return Dictionary(uniqueKeysWithValues: names.map { ($0, FileManager.default.contents(atPath: path + "/" + $0) ?? Data()) })
    }

    func testSplitSaveKilledAtAnyMomentLeavesOneWholeSet() throws {
        let make = "ml = movielens(\"demo\", plots: \"demo/plots.tsv\")\na = ml.split(cold_items: 0.2)\nb = ml.split(cold_items: 0.4)\n"
        XCTAssertEqual(try run(["run", try script("ref.rec", make + "a.save(\"\(dir)/refA\")\nb.save(\"\(dir)/refB\")\n"), "--data", Self.demo]).status, 0)
        let setA = contents(dir + "/refA"), setB = contents(dir + "/refB")
        XCTAssertEqual(setA.count, 5)
        XCTAssertNotEqual(setA, setB)
        let target = dir + "/split"
        let saves = try script("saves.rec", make + String(repeating: "a.save(\"\(target)\")\nb.save(\"\(target)\")\n", count: 15))
        // One whole run tells how long the saving takes; kills then land anywhere in it.
        let clock = Date()
        XCTAssertEqual(try run(["run", saves, "--data", Self.demo]).status, 0)
        let whole = Date().timeIntervalSince(clock)
        var seed: UInt64 = 12345, mixes = 0
        for _ in 0..<12 {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            let delay = whole * Double(seed >> 11) / Double(1 << 53)
            let p = try start(["run", saves, "--data", Self.demo])
            usleep(useconds_t(delay * 1_000_000))
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            let now = contents(target)
            if now != setA && now != setB { mixes += 1 }
            let visible = try FileManager.default.contentsOfDirectory(atPath: dir).filter { !$0.hasPrefix(".") }
            XCTAssertEqual(Set(visible), ["refA", "refB", "split", "ref.rec", "saves.rec"])
        }
        XCTAssertEqual(mixes, 0, "a kill left a set that is neither the old nor the new one")
        // The next save clears what killed writers left; nothing temporary remains anywhere.
        XCTAssertEqual(try run(["run", try script("once.rec", make + "a.save(\"\(target)\")\n"), "--data", Self.demo]).status, 0)
        XCTAssertEqual(contents(target), setA)
        let leftovers = try FileManager.default.subpathsOfDirectory(atPath: dir).filter { $0.contains(".rec-") || $0.contains(".nosync") }
        XCTAssertEqual(leftovers, [])
    }
}
