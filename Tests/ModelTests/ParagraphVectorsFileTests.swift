import XCTest
import Foundation
@testable import Model

/// A paragraph-vector matrix saved with its model infers new texts, once loaded, exactly as
/// the model it was saved from; damaged files are refused with the file named.
final class ParagraphVectorsFileTests: XCTestCase {
    var dir = ""

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "rec-pv-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }

    func model(_ method: ParagraphVectors.Method) throws -> (ParagraphVectors, [[String]]) {
        let rng = RandomSource(seed: 4)
        let words = (0..<30).map { "w\($0)" }
        let docs = (0..<40).map { k in (0..<12).map { _ in words[(k + rng.below(8)) % words.count] } }
        let vocab = try Vocabulary(documents: docs)
        var o = EmbeddingTraining()
        o.dim = 8; o.epochs = 3; o.window = 2; o.seed = 11
        return (try ParagraphVectors(documents: docs.map { vocab.encode($0) }, vocabulary: vocab, method: method,
                                     trainWords: method == .dbow, options: o), docs)
    }

    func testRoundTripInfersTheSameVectors() throws {
        for method in ParagraphVectors.Method.allCases {
            let (pv, docs) = try model(method)
            let path = dir + "/\(method).pv", tokenizer = Tokenizer(removeStopWords: true)
            try ParagraphVectorsFile.save(pv, rows: pv.documentVectors, tokenizer: tokenizer, to: path)
            XCTAssertTrue(ParagraphVectorsFile.isFile(path))
            let back = try ParagraphVectorsFile.load(path)
            XCTAssertEqual(back.rows.scalars, pv.documentVectors.scalars)
            XCTAssertEqual(back.model.vocabulary.words, pv.vocabulary.words)
            XCTAssertEqual(back.model.vocabulary.counts, pv.vocabulary.counts)
            XCTAssertEqual(back.tokenizer.removeStopWords, true)
            for doc in [docs[0], docs[7], ["w3", "w1", "w4"]] {
                let ids = pv.vocabulary.encode(doc)
                XCTAssertEqual(back.model.infer(ids), pv.infer(ids), "\(method)")
            }
            // The same model always gives the same bytes.
            XCTAssertEqual(try ParagraphVectorsFile.encode(back.model, rows: back.rows, tokenizer: back.tokenizer),
                           try ParagraphVectorsFile.encode(pv, rows: pv.documentVectors, tokenizer: tokenizer))
        }
    }

    func testDamagedFilesAreRefused() throws {
        let (pv, _) = try model(.dbow)
        let good = try ParagraphVectorsFile.encode(pv, rows: pv.documentVectors, tokenizer: Tokenizer())
        let header = String(decoding: good.prefix(while: { $0 != 10 }) + [10] + good.dropFirst(7).prefix(while: { $0 != 10 }), as: UTF8.self)
        let cases: [(String, [UInt8], String)] = [
            ("truncated", Array(good.dropLast(4)), "truncated or damaged"),
            ("not ours", Array("hello\n".utf8), "no RECPV1 header"),
            ("empty", [], "is empty"),
            ("bad JSON", Array("RECPV1\n{\"version\": 1}\n".utf8), "damaged header"),
            ("huge rows", Array(header.replacingOccurrences(of: "\"rows\":40", with: "\"rows\":4000000000000").utf8) + [10], "damaged header"),
            ("repeated word", Array(header.replacingOccurrences(of: "\"w1\"", with: "\"w0\"").utf8) + [10] + good[(header.utf8.count + 1)...],
             "appears twice"),
        ]
        for (name, bytes, expected) in cases {
            let path = dir + "/\(name).pv"
            FileManager.default.createFile(atPath: path, contents: Data(bytes))
            XCTAssertThrowsError(try ParagraphVectorsFile.load(path), name) { e in
                XCTAssertTrue("\(e)".contains(expected) && "\(e)".contains(path), "\(name): \(e)")
            }
        }
    }
}
