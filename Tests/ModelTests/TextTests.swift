import XCTest
import Foundation
@testable import Model

final class TextTests: XCTestCase {
    func testTokenizer() {
        let t = Tokenizer()
        XCTAssertEqual(t.tokens("A boy's toy, in 1995: Ça va? Don't!"), ["a", "boy", "'s", "toy", "in", "1995", "ça", "va", "don", "t"])
        XCTAssertEqual(t.tokens("James’s car"), ["james", "'s", "car"])
        XCTAssertEqual(t.tokens("the 'sea' is"), ["the", "sea", "is"])
        XCTAssertEqual(Tokenizer(removeStopWords: true).tokens("The boy's toy and the sea"), ["boy", "toy", "sea"])
        XCTAssertEqual(t.tokens(""), [])
    }

    func testVocabularyFilters() throws {
        let docs = [["a", "b", "c", "a"], ["a", "b"], ["a", "d"], ["a", "b", "e"]]
        let v = try Vocabulary(documents: docs)
        XCTAssertEqual(v.words, ["a", "b", "c", "d", "e"])  // by count, ties alphabetical
        XCTAssertEqual(v.counts, [5, 3, 1, 1, 1])
        XCTAssertEqual(v.documentFrequencies, [4, 3, 1, 1, 1])
        XCTAssertEqual(try Vocabulary(documents: docs, minCount: 2).words, ["a", "b"])
        XCTAssertEqual(try Vocabulary(documents: docs, maxDocumentFrequency: 0.75).words, ["b", "c", "d", "e"])
        XCTAssertEqual(try Vocabulary(documents: docs, maxSize: 2).words, ["a", "b"])
        XCTAssertEqual(v.encode(["b", "zzz", "a", "c"], maxLength: 2), [1, 0])
        XCTAssertThrowsError(try Vocabulary(documents: docs, minCount: 0))
        XCTAssertThrowsError(try Vocabulary(documents: docs, maxDocumentFrequency: 1.5))
    }

    func testTFIDFVariants() throws {
        let docs = [["x", "x", "y"], ["y", "z"], ["z"]]
        let v = try Vocabulary(documents: docs)  // every word twice: alphabetical
        XCTAssertEqual(v.words, ["x", "y", "z"])
        let raw = TFIDF(documents: docs, vocabulary: v, tf: .raw, idf: .smooth, normalize: false)
        // idf = ln((1+3)/(1+df)) + 1
        let idfX = log(2.0) + 1, idfY = log(4.0 / 3.0) + 1
        XCTAssertEqual(Double(raw.idf[1]), idfY, accuracy: 1e-6)
        let row0 = raw.weights.row(0)
        XCTAssertEqual(Array(row0.indices), [0, 1])
        XCTAssertEqual(Double(row0.values[row0.values.startIndex]), 2 * idfX, accuracy: 1e-5)
        XCTAssertEqual(Double(row0.values[row0.values.startIndex + 1]), idfY, accuracy: 1e-6)
        let sub = TFIDF(documents: docs, vocabulary: v, tf: .sublinear, idf: .plain, normalize: true)
        let r = sub.weights.row(0)
        let a = (1 + log(2.0)) * log(3.0), b = log(3.0 / 2.0)
        let norm = (a * a + b * b).squareRoot()
        XCTAssertEqual(Double(r.values[r.values.startIndex]), a / norm, accuracy: 1e-6)
        XCTAssertEqual(Double(r.values[r.values.startIndex + 1]), b / norm, accuracy: 1e-6)
        let none = TFIDF(documents: docs, vocabulary: v, tf: .raw, idf: .none, normalize: false)
        XCTAssertEqual(Array(none.weights.row(0).values), [2, 1])
        // sparse @ dense
        let m = try Tensor(rows: [[1, 0], [0, 1], [1, 1]])
        XCTAssertEqual(try none.weights.multiply(m).scalars, [2, 1, 1, 2, 1, 1])
    }

    func testRealPlotsAgainstGloVe() throws {
        let ml = try MovieLens.load(directory: dataPath("ml-100k"), plots: dataPath("ml-100k/plots.tsv"))
        let glove = try WordVectors.load(dataPath("vectors/glove.6B.50d.top100k.txt.gz"))
        XCTAssertEqual(glove.count, 100_000)
        XCTAssertEqual(glove.dim, 50)
        XCTAssertEqual(glove.format, .glove)
        XCTAssertEqual(glove.words[0], "the")
        XCTAssertEqual(glove.vectors[0, 0], 0.418)
        XCTAssertEqual(glove.vectors[0, 1], 0.24968)
        let docs = ml.plots.compactMap { $0 }.map { Tokenizer().tokens($0) }
        let oov = glove.outOfVocabularyRate(docs)
        print("ML-100K plots, GloVe out-of-vocabulary rate: \(oov)")
        XCTAssertLessThan(oov, 0.02, "possessives split off, so fewer misses than the 1.96% of a plain tokenizer")
        XCTAssertGreaterThan(oov, 0)
        let vocab = try Vocabulary(documents: docs, minCount: 2, maxDocumentFrequency: 0.5)
        let (matrix, found) = glove.matrix(for: vocab)
        XCTAssertGreaterThan(Double(found.filter { $0 }.count) / Double(vocab.count), 0.95)
        let tfidf = TFIDF(documents: docs, vocabulary: vocab)
        let content = try ContentVectors.tfidfAverage(tfidf.weights, vectors: matrix, found: found)
        XCTAssertEqual(content.shape, Shape(docs.count, 50))
        // Document 0's vector is the weighted mean of its words' vectors.
        let row = tfidf.weights.row(0)
        var expected = [Float](repeating: 0, count: 50), total: Float = 0
        for (i, w) in zip(row.indices, row.values) where found[Int(i)] {
            for j in 0..<50 { expected[j] += w * matrix[Int(i), j] }
            total += w
        }
        for j in 0..<50 { XCTAssertEqual(content[0, j], expected[j] / total, accuracy: 1e-5) }
    }

    func testWord2VecTextBinaryAndGzip() throws {
        let dir = NSTemporaryDirectory() + "rec-wv-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "2 3\ncat 1 2.5 -3e-1\ndog 0.25 -1 4\n".write(toFile: dir + "/v.txt", atomically: true, encoding: .utf8)
        let text = try WordVectors.load(dir + "/v.txt")
        XCTAssertEqual(text.format, .word2vecText)
        XCTAssertEqual(text.words, ["cat", "dog"])
        XCTAssertEqual(text.vectors.scalars, [1, 2.5, -0.3, 0.25, -1, 4])
        var bin = Array("2 3\n".utf8)
        for (w, v) in [("cat", [Float(1), 2.5, -0.3]), ("dog", [0.25, -1, 4])] {
            bin += Array("\(w) ".utf8)
            for x in v { withUnsafeBytes(of: x.bitPattern.littleEndian) { bin += $0 } }
            bin.append(10)
        }
        _ = FileManager.default.createFile(atPath: dir + "/v.bin", contents: Data(bin))
        let binary = try WordVectors.load(dir + "/v.bin")
        XCTAssertEqual(binary.format, .word2vecBinary)
        XCTAssertEqual(binary.vectors.scalars, text.vectors.scalars)
        // gzip through the system tool, read back through zlib
        let gz = Process()
        gz.executableURL = URL(fileURLWithPath: "/bin/gzip")
        gz.arguments = ["-k", dir + "/v.bin"]
        try gz.run(); gz.waitUntilExit()
        XCTAssertEqual(try WordVectors.load(dir + "/v.bin.gz").vectors.scalars, text.vectors.scalars)
        // broken files
        try "cat 1 2\ndog 1\n".write(toFile: dir + "/short.txt", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try WordVectors.load(dir + "/short.txt")) { XCTAssertEqual("\($0)", dir + "/short.txt:2: expected 2 numbers after 'dog', found 1") }
        try "cat 1 x2\n".write(toFile: dir + "/nan.txt", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try WordVectors.load(dir + "/nan.txt")) { XCTAssertTrue("\($0)".contains(":1: expected a number, found 'x2'")) }
        _ = FileManager.default.createFile(atPath: dir + "/trunc.gz", contents: Data(try Data(contentsOf: URL(fileURLWithPath: dir + "/v.bin.gz")).prefix(20)))
        XCTAssertThrowsError(try WordVectors.load(dir + "/trunc.gz")) { XCTAssertTrue("\($0)".contains("gzip"), "\($0)") }
        _ = FileManager.default.createFile(atPath: dir + "/cut.bin", contents: Data(bin.prefix(bin.count - 6)))
        XCTAssertThrowsError(try WordVectors.load(dir + "/cut.bin")) { XCTAssertTrue("\($0)".contains("ends inside its vector"), "\($0)") }
    }

    func testNPYRoundTripAndFortranOrder() throws {
        let dir = NSTemporaryDirectory() + "rec-npy-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let t = try Tensor(rows: [[1, 2, 3], [4, 5, 6]])
        try NPY.write(t, to: dir + "/t.npy")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: dir + "/t.npy"))
        XCTAssertEqual((bytes.count - 24) % 64, 0, "header padded to 64 bytes")
        let back = try NPY.read(dir + "/t.npy")
        XCTAssertEqual(back.shape, t.shape)
        XCTAssertEqual(back.scalars, t.scalars)
        // A float64 Fortran-order file as NumPy writes it.
        var header = "{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3), }"
        header += String(repeating: " ", count: (64 - (10 + header.utf8.count + 1) % 64) % 64) + "\n"
        var f = [UInt8(0x93)] + Array("NUMPY".utf8) + [1, 0, UInt8(header.utf8.count), 0] + Array(header.utf8)
        for v in [1.0, 4, 2, 5, 3, 6] { withUnsafeBytes(of: v.bitPattern.littleEndian) { f += $0 } }
        _ = FileManager.default.createFile(atPath: dir + "/f.npy", contents: Data(f))
        XCTAssertEqual(try NPY.read(dir + "/f.npy").scalars, t.scalars)
        _ = FileManager.default.createFile(atPath: dir + "/bad.npy", contents: Data(f.prefix(f.count - 8)))
        XCTAssertThrowsError(try NPY.read(dir + "/bad.npy")) { XCTAssertTrue("\($0)".contains("data bytes"), "\($0)") }
    }
}
