import XCTest
import Foundation
@testable import Model

final class SplitTests: XCTestCase {
    static let ml: MovieLens? = try? MovieLens.load(directory: dataPath("ml-100k"), plots: dataPath("ml-100k/plots.tsv"))

    func data() throws -> MovieLens {
        guard let ml = Self.ml else { throw XCTSkip("no ML-100K data") }
        return ml
    }

    func testRandomSplitPartitionsTheEvents() throws {
        let ml = try data()
        let s = try Split.random(ml, coldItems: 0.2, holdout: 0.1, validation: 0.1, seed: 42)
        let parts = [s.train, s.testWarm, s.testCold, s.validWarm, s.validCold]
        XCTAssertEqual(parts.reduce(0) { $0 + $1.count }, ml.events.count)
        // Cold items: 20% (and 10% for validation) of the items with a plot and an event.
        let candidates = (0..<ml.items.count).filter { ml.plots[$0] != nil && ml.events.items.contains(Int32($0)) }.count
        XCTAssertEqual(s.coldItems.count, Int((0.2 * Double(candidates)).rounded()))
        XCTAssertEqual(s.validColdItems.count, Int((0.1 * Double(candidates)).rounded()))
        XCTAssertTrue(s.coldItems.allSatisfy { ml.plots[Int($0)] != nil })
        let trainItems = Set(s.train.items)
        XCTAssertTrue(Set(s.testCold.items).isDisjoint(with: trainItems), "cold items never appear in training")
        XCTAssertTrue(Set(s.validCold.items).isDisjoint(with: trainItems))
        XCTAssertTrue(Set(s.testWarm.items).isSubset(of: trainItems), "warm test items keep training events")
        XCTAssertTrue(Set(s.validWarm.items).isSubset(of: trainItems))
        XCTAssertEqual(Double(s.testWarm.count) / Double(s.testWarm.count + s.train.count + s.validWarm.count), 0.1, accuracy: 0.03)
        XCTAssertTrue(s.description.hasPrefix("Split(train"))
    }

    func testSameSeedSameSplit() throws {
        let ml = try data()
        let a = try Split.random(ml, seed: 7), b = try Split.random(ml, seed: 7), c = try Split.random(ml, seed: 8)
        XCTAssertEqual(a.coldItems, b.coldItems)
        XCTAssertEqual(a.testWarm.users, b.testWarm.users)
        XCTAssertNotEqual(a.coldItems, c.coldItems)
        XCTAssertThrowsError(try Split.random(ml, coldItems: 1.5, seed: 1))
        XCTAssertThrowsError(try Split.random(ml, coldItems: 0.6, validation: 0.5, seed: 1))
    }

    func testTemporalSplit() throws {
        let ml = try data()
        let s = try Split.temporal(ml, test: 0.2, validation: 0.1)
        XCTAssertEqual(s.train.count + s.testWarm.count + s.testCold.count + s.validWarm.count + s.validCold.count, ml.events.count)
        let lastTrain = s.train.times.max()!, firstTest = (s.testWarm.times + s.testCold.times).min()!
        XCTAssertLessThanOrEqual(lastTrain, firstTest)
        XCTAssertTrue(Set(s.testCold.items).isDisjoint(with: Set(s.train.items + s.validWarm.items + s.validCold.items)))
    }

    func testSaveAndLoadRoundTrip() throws {
        let ml = try data()
        let s = try Split.random(ml, seed: 3)
        let dir = NSTemporaryDirectory() + "rec-split-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try s.save(to: dir, data: ml)
        let n = Split.fileNames
        let t = try Split.load(ml, train: dir + "/" + n.train, testWarm: dir + "/" + n.testWarm, testCold: dir + "/" + n.testCold,
                               validWarm: dir + "/" + n.validWarm, validCold: dir + "/" + n.validCold)
        XCTAssertEqual(t.train.users, s.train.users)
        XCTAssertEqual(t.train.items, s.train.items)
        XCTAssertEqual(t.train.times, s.train.times)
        XCTAssertEqual(t.coldItems, s.coldItems)
        XCTAssertEqual(t.validColdItems, s.validColdItems)
        try "user\titem\n1\t99999\n".write(toFile: dir + "/bad.tsv", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try Split.load(ml, train: dir + "/bad.tsv", testWarm: dir + "/" + n.testWarm, testCold: dir + "/" + n.testCold)) {
            XCTAssertEqual("\($0)", dir + "/bad.tsv:2: movie id 99999 is not in the dataset")
        }
    }
}

extension SplitTests {
    /// A split read from files gets its validation parts from its training part alone,
    /// carved as `Split.random` carves them, seeded.
    func testValidationCarvedFromALoadedSplitsTrainingPart() throws {
        let ml = try data()
        let dir = NSTemporaryDirectory() + "rec-carve-\(ProcessInfo.processInfo.processIdentifier)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Split.random(ml, validation: 0, seed: 3).save(to: dir, data: ml)
        let n = Split.fileNames
        let loaded = try Split.load(ml, train: dir + "/" + n.train, testWarm: dir + "/" + n.testWarm, testCold: dir + "/" + n.testCold)
        XCTAssertEqual(loaded.validWarm.count + loaded.validCold.count, 0)
        let s = try loaded.carvingValidation(ml, fraction: 0.1, seed: 5)
        XCTAssertEqual(s.train.count + s.validWarm.count + s.validCold.count, loaded.train.count)
        XCTAssertEqual(s.testWarm.users, loaded.testWarm.users)
        XCTAssertEqual(s.coldItems, loaded.coldItems)
        let plotted = Set(loaded.train.items).subtracting(loaded.testWarm.items).filter { ml.plots[Int($0)] != nil }.count
        XCTAssertEqual(s.validColdItems.count, Int((0.1 * Double(plotted)).rounded()))
        let trainItems = Set(s.train.items)
        XCTAssertTrue(Set(s.validCold.items).isDisjoint(with: trainItems), "cold validation items leave training whole")
        XCTAssertTrue(Set(s.validWarm.items).isSubset(of: trainItems), "warm validation items keep training events")
        XCTAssertTrue(Set(s.testWarm.items).isSubset(of: trainItems), "warm test items stay warm")
        XCTAssertEqual(Double(s.validWarm.count) / Double(s.validWarm.count + s.train.count), 0.1, accuracy: 0.03)
        let again = try loaded.carvingValidation(ml, fraction: 0.1, seed: 5)
        XCTAssertEqual(again.validWarm.users, s.validWarm.users)
        XCTAssertEqual(again.validColdItems, s.validColdItems)
        XCTAssertNotEqual(try loaded.carvingValidation(ml, fraction: 0.1, seed: 6).validColdItems, s.validColdItems)
        XCTAssertThrowsError(try loaded.carvingValidation(ml, fraction: 1, seed: 1))
        XCTAssertThrowsError(try loaded.carvingValidation(ml, fraction: .nan, seed: 1))
    }
}
