import XCTest
import Foundation
@testable import Model

/// Checkpoints bring a model back fitted, refuse what does not fit, and are the same bytes for
/// the same model; atomic writes leave nothing half written behind.
final class CheckpointTests: XCTestCase {
    let users = 30, items = 20
    var dir = ""

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "rec-ckpt-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }

    func events(seed: UInt64, count: Int = 200) -> Events {
        bandEvents(seed: seed, count: count, users: users, items: items - 4)  // items 16…19 stay cold
    }

    func model(_ seed: UInt64, dim: Int = 6) throws -> ScoreModel {
        let rng = RandomSource(seed: seed)
        return try ScoreModel(user: EmbeddingTower(axis: .users, count: users, dim: dim, rng: rng),
                              item: DenseTower(EmbeddingTower(axis: .items, count: items, dim: dim, dropout: 0.2, rng: rng),
                                               width: dim, activation: .elu, rng: rng),
                              users: users, items: items)
    }

    func fitted() throws -> (ScoreModel, Adagrad, Events) {
        let m = try model(1), optimizer = Adagrad(learningRate: 0.1), train = events(seed: 3)
        var o = Trainer.Options()
        o.epochs = 2
        o.batchSize = 32
        _ = try Trainer(model: m, objective: Objective(loss: .bpr, negatives: 4), optimizer: optimizer, options: o)
            .fit(train, rng: RandomSource(seed: 5))
        return (m, optimizer, train)
    }

    /// A fresh model of the same structure evaluates exactly like the saved one — cold items
    /// included (their embeddings are absent because the training pairs came back).
    func testLoadedModelEvaluatesLikeTheSavedOne() throws {
        let (a, optimizer, train) = try fitted()
        let path = dir + "/m.ckpt"
        try Checkpoint.save(a, optimizer: optimizer, to: path, userIds: Array(100..<130), itemIds: Array(500..<520), train: train)
        let b = try model(2)
        let loaded = try Checkpoint.load(into: b, optimizer: nil, from: path, userIds: Array(100..<130), itemIds: Array(500..<520))
        let restored = try XCTUnwrap(loaded.train)
        XCTAssertEqual(restored.users, train.users)
        XCTAssertEqual(restored.items, train.items)
        b.observe(restored)
        let test = events(seed: 8, count: 60)
        var withCold = test
        for u in 0..<5 { withCold.append(user: Int32(u), item: 18, rating: 5, time: 0) }
        let ea = try Evaluator.evaluate(a, test: withCold, train: train, items: items)
        let eb = try Evaluator.evaluate(b, test: withCold, train: restored, items: items)
        XCTAssertGreaterThan(ea.cold.items, 0)
        XCTAssertEqual(ea.all.ndcg, eb.all.ndcg)
        XCTAssertEqual(ea.cold.ndcg, eb.cold.ndcg)
        XCTAssertEqual(ea.warm.auc, eb.warm.auc)
        // Saved before any fit: nothing to restore.
        try Checkpoint.save(b, optimizer: nil, to: path)
        XCTAssertNil(try Checkpoint.load(into: a, optimizer: nil, from: path).train)
    }

    func testSameModelSameBytes() throws {
        let (m, optimizer, train) = try fitted()
        let vocabulary = ["zebra", "apple", "mango"]
        let first = try Checkpoint.encode(m, optimizer: optimizer, userIds: Array(0..<users), itemIds: Array(0..<items), vocabulary: vocabulary, train: train)
        let second = try Checkpoint.encode(m, optimizer: optimizer, userIds: Array(0..<users), itemIds: Array(0..<items), vocabulary: vocabulary, train: train)
        XCTAssertEqual(first, second)
        try Checkpoint.save(m, optimizer: optimizer, to: dir + "/a.ckpt", userIds: Array(0..<users), itemIds: Array(0..<items), train: train)
        try Checkpoint.save(m, optimizer: optimizer, to: dir + "/b.ckpt", userIds: Array(0..<users), itemIds: Array(0..<items), train: train)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: dir + "/a.ckpt")), try Data(contentsOf: URL(fileURLWithPath: dir + "/b.ckpt")))
        // The header's keys are sorted: the bytes cannot depend on a dictionary's order.
        let header = String(decoding: first.prefix(while: { $0 != 10 }).dropFirst(0), as: UTF8.self)
        let json = String(decoding: first.dropFirst(Checkpoint.magic.count).prefix(while: { $0 != 10 }), as: UTF8.self)
        XCTAssertTrue(header.hasPrefix("RECCKPT1"))
        let keys = ["fittedEvents", "itemIds", "items", "nodes", "optimizer", "optimizerSlots", "optimizerSteps", "parameters", "userIds", "users", "version", "vocabulary"]
        let positions = keys.map { json.range(of: "\"\($0)\":")!.lowerBound }
        XCTAssertEqual(positions, positions.sorted())
    }

    /// Another dataset's checkpoint — other ids, other sizes — or another structure is refused,
    /// and the model is left as it was.
    func testOtherDatasetsAndStructuresAreRefused() throws {
        let (a, _, train) = try fitted()
        let path = dir + "/m.ckpt"
        let big = Int.max - 3
        try Checkpoint.save(a, optimizer: nil, to: path, userIds: [big] + Array(1..<users), itemIds: Array(0..<items), train: train)
        XCTAssertEqual(try Checkpoint.load(into: try model(2), optimizer: nil, from: path).contents.userIds.first, big)
        let b = try model(2)
        let before = b.parameters.map { $0.value.scalars }
        XCTAssertThrowsError(try Checkpoint.load(into: b, optimizer: nil, from: path, userIds: Array(0..<users), itemIds: Array(0..<items))) {
            XCTAssertEqual("\($0)", "\(path): was saved for another dataset: user 1 has id \(big) there and 0 here")
        }
        XCTAssertThrowsError(try Checkpoint.load(into: b, optimizer: nil, from: path, userIds: [big] + Array(1..<users), itemIds: Array(0..<(items + 1)))) {
            XCTAssertTrue("\($0)".contains("was saved for a dataset with 20 movies; this one has 21 (another dataset?)"), "\($0)")
        }
        let other = try ScoreModel(user: EmbeddingTower(axis: .users, count: users + 1, dim: 6, rng: RandomSource(seed: 1)),
                                   item: EmbeddingTower(axis: .items, count: items, dim: 6, rng: RandomSource(seed: 1)), users: users + 1, items: items)
        XCTAssertThrowsError(try Checkpoint.load(into: other, optimizer: nil, from: path)) {
            XCTAssertTrue("\($0)".contains("was saved for 30 users and 20 items; this model has 31 users and 20 items"), "\($0)")
        }
        let relu = try ScoreModel(user: EmbeddingTower(axis: .users, count: users, dim: 6, rng: RandomSource(seed: 1)),
                                  item: DenseTower(EmbeddingTower(axis: .items, count: items, dim: 6, dropout: 0.2, rng: RandomSource(seed: 1)),
                                                   width: 6, activation: .relu, rng: RandomSource(seed: 1)),
                                  users: users, items: items)
        XCTAssertThrowsError(try Checkpoint.load(into: relu, optimizer: nil, from: path)) {
            XCTAssertTrue("\($0)".contains("another structure"), "\($0)")
        }
        XCTAssertThrowsError(try Checkpoint.load(into: b, optimizer: Adam(learningRate: 0.1), from: path + ".missing")) {
            XCTAssertEqual("\($0)", "\(path).missing: no such file")
        }
        XCTAssertEqual(b.parameters.map { $0.value.scalars }, before)
    }

    func testAtomicWritesReplaceAndLeaveNothingBehind() throws {
        let path = dir + "/f.bin"
        try AtomicFile.write([1, 2, 3], to: path)
        try AtomicFile.write([4, 5], to: path)
        XCTAssertEqual(try TextFile.readBytes(path), [4, 5])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["f.bin"])
        // A temporary of a process that died is cleaned up by the next write beside it; one of a
        // live process (this one) is not.
        let dead = dir + "/.f.bin\(AtomicFile.temporaryMarker)999999999-1", live = dir + "/.f.bin\(AtomicFile.temporaryMarker)\(getpid())-77"
        for p in [dead, live] { FileManager.default.createFile(atPath: p, contents: Data([9])) }
        try AtomicFile.write([6], to: path)
        XCTAssertEqual(Set(try FileManager.default.contentsOfDirectory(atPath: dir)), ["f.bin", (live as NSString).lastPathComponent])
        try FileManager.default.removeItem(atPath: live)
        XCTAssertThrowsError(try AtomicFile.write([1], to: dir + "/no/such/dir/f")) {
            XCTAssertEqual("\($0)", "\(dir)/no/such/dir/f: cannot be written: its directory does not exist")
        }
        // Directories: created, replaced whole, and kept when the writing fails.
        let set = dir + "/set"
        try AtomicFile.replaceDirectory(set) { try AtomicFile.writeNew([1], to: $0 + "/a", reportAs: "a") }
        try AtomicFile.replaceDirectory(set) { try AtomicFile.writeNew([2], to: $0 + "/b", reportAs: "b") }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: set), ["b"])
        struct Boom: Error {}
        XCTAssertThrowsError(try AtomicFile.replaceDirectory(set) { try AtomicFile.writeNew([3], to: $0 + "/c", reportAs: "c"); throw Boom() })
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: set), ["b"])
        XCTAssertEqual(Set(try FileManager.default.contentsOfDirectory(atPath: dir)), ["f.bin", "set"])
    }
}
