import XCTest
import Foundation
@testable import Lang
import Model

/// `setting`, `split_or_files`, `best_of` and the classic baselines through the language, on
/// the shipped demo data.
final class ScriptBuiltinTests: XCTestCase {
    func session(_ source: String, define: [String] = []) throws -> (Session, [String]) {
        let s = Session(seed: 1, dataDirectory: SweepTests.demo)
        var notes: [String] = []
        s.output = { o in
            switch o {
            case .note(let n): notes.append(n)
            case .error(let e, _): notes.append("error: " + e.message)
            default: break
            }
        }
        for d in define { try s.define(d) }
        s.run("seed(2)\nml = movielens(\"demo\", plots: \"demo/plots.tsv\")\n" + source, origin: "t.rec", stopOnError: true)
        return (s, notes)
    }

    func testSettingReadsADefinedVariableOrItsDefault() throws {
        let (s, notes) = try session("a = setting(\"split_dir\", \"\")\nb = setting(\"k\", 20)", define: ["k=5"])
        XCTAssertEqual(notes.filter { $0.hasPrefix("error") }, [])
        guard case .string(let a)? = s.variables["a"], case .number(let b)? = s.variables["b"] else { return XCTFail("unbound") }
        XCTAssertEqual(a, "")
        XCTAssertEqual(b, 5)
    }

    /// A split saved to files and read back through split_or_files keeps its test parts and
    /// gets validation carved from its training part; "" gives the script's own split.
    func testSplitOrFilesReadsAFolderOrSplitsItself() throws {
        let dir = NSTemporaryDirectory() + "rec-split-or-files-\(ProcessInfo.processInfo.processIdentifier)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (s, notes) = try session("""
        own = split_or_files(ml, "", validation: 0)
        own.save("\(dir)")
        read = split_or_files(ml, "\(dir)", validation: 0.1)
        """)
        XCTAssertEqual(notes.filter { $0.hasPrefix("error") }, [])
        guard case .object(let own as SplitObject)? = s.variables["own"], case .object(let read as SplitObject)? = s.variables["read"] else {
            return XCTFail("unbound")
        }
        XCTAssertEqual(read.split.testCold.count, own.split.testCold.count)
        XCTAssertEqual(read.split.train.count + read.split.validWarm.count + read.split.validCold.count, own.split.train.count, "validation comes out of the saved training part")
        XCTAssertGreaterThan(read.split.validWarm.count, 0)
        XCTAssertGreaterThan(read.split.validColdItems.count, 0)
    }

    /// Validation parts saved with a split (another tool tuned on them) are read back, not
    /// carved again: by split_or_files when the folder has them, by split_files when named.
    func testSavedValidationPartsAreReadBack() throws {
        let dir = NSTemporaryDirectory() + "rec-saved-validation-\(ProcessInfo.processInfo.processIdentifier)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (s, notes) = try session("""
        own = split_or_files(ml, "", validation: 0.1)
        own.save("\(dir)")
        read = split_or_files(ml, "\(dir)", validation: 0.1)
        named = split_files(ml, train: "\(dir)/train.tsv", test_warm: "\(dir)/test_warm.tsv", test_cold: "\(dir)/test_cold.tsv", valid_warm: "\(dir)/valid_warm.tsv", valid_cold: "\(dir)/valid_cold.tsv")
        """)
        XCTAssertEqual(notes.filter { $0.hasPrefix("error") }, [])
        let files = "train: \"\(dir)/train.tsv\", test_warm: \"\(dir)/test_warm.tsv\", test_cold: \"\(dir)/test_cold.tsv\", valid_warm: \"\(dir)/valid_warm.tsv\""
        let one = try session("split_files(ml, \(files))").1
        XCTAssertTrue(one.contains { $0.contains("give both valid_warm: and valid_cold:, or neither") }, "\(one)")
        let carved = try session("split_files(ml, \(files), valid_cold: \"\(dir)/valid_cold.tsv\", validation: 0.1)").1
        XCTAssertTrue(carved.contains { $0.contains("with valid_warm: and valid_cold: leave it out") }, "\(carved)")
        guard case .object(let own as SplitObject)? = s.variables["own"] else { return XCTFail("unbound") }
        for name in ["read", "named"] {
            guard case .object(let read as SplitObject)? = s.variables[name] else { return XCTFail("\(name) unbound") }
            XCTAssertEqual(read.split.train.count, own.split.train.count, name)
            XCTAssertEqual(read.split.validWarm.count, own.split.validWarm.count, name)
            XCTAssertEqual(read.split.validCold.count, own.split.validCold.count, name)
            XCTAssertEqual(read.split.validColdItems, own.split.validColdItems, name)
        }
    }

    /// best_of returns the scorer with the best validation ndcg: EASE beats random on warm items.
    func testBestOfPicksTheBestOnValidation() throws {
        let (s, notes) = try session("""
        split = ml.split(cold_items: 0.2, holdout: 0.1, validation: 0.1)
        pick = best_of(random: baseline("random", split.train), ease: baseline("ease", split.train, lambda: 50), als: baseline("als", split.train, factors: 8, iterations: 3), on: split.valid_warm, part: "warm")
        """)
        XCTAssertEqual(notes.filter { $0.hasPrefix("error") }, [])
        XCTAssertTrue(notes.contains { $0.hasPrefix("best_of: ease") || $0.hasPrefix("best_of: als") }, "\(notes)")
        guard case .object(let b as BaselineObject)? = s.variables["pick"] else { return XCTFail("unbound") }
        XCTAssertNotEqual(b.name, "random")
    }
}
