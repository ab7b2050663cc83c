import Foundation

/// A paragraph-vector matrix with what inferring a new text's vector needs — the vocabulary
/// (words, counts), the output and word vectors, the training settings and the tokenizer — so
/// that a matrix saved in one session infers new plots in another exactly as it did there.
/// Layout: `RECPV1\n`, one line of JSON (the header), then little-endian float32: the rows
/// [rows, dim], the output vectors [words, dim], the word vectors [words, dim].
public enum ParagraphVectorsFile {
    static let magic = Array("RECPV1\n".utf8)

    struct Header: Codable {
        var version = 1
        var method: String
        var dim, window, negatives, epochs: Int
        var learningRate, minLearningRate: Float
        var sample: Double
        /// As text: a UInt64 does not survive every JSON reader.
        var seed: String
        var trainWords: Bool
        var words: [String]
        var counts, documentFrequencies: [Int]
        var documents, rows: Int
        var removeStopWords, keepPossessive: Bool
    }

    /// What a file holds: the matrix (a row per item), the model that infers new rows, and the
    /// tokenizer that reads a new text.
    public struct Contents {
        public let rows: Tensor
        public let model: ParagraphVectors
        public let tokenizer: Tokenizer
    }

    public static func isFile(_ path: String) -> Bool { RecFile.starts(path, with: magic) }

    public static func save(_ model: ParagraphVectors, rows: Tensor, tokenizer: Tokenizer, to path: String) throws {
        try AtomicFile.write(encode(model, rows: rows, tokenizer: tokenizer), to: path)
    }

    static func encode(_ pv: ParagraphVectors, rows: Tensor, tokenizer: Tokenizer) throws -> [UInt8] {
        guard rows.rank == 2, rows.shape[1] == pv.dim else {
            throw ModelError("paragraph vectors", "rows \(rows.shape) do not have the model's \(pv.dim) columns")
        }
        let o = pv.options, v = pv.vocabulary
        let header = Header(method: pv.method.rawValue, dim: o.dim, window: o.window, negatives: o.negatives, epochs: o.epochs,
                            learningRate: o.learningRate, minLearningRate: o.minLearningRate, sample: o.sample, seed: String(o.seed),
                            trainWords: pv.trainWords, words: v.words, counts: v.counts, documentFrequencies: v.documentFrequencies,
                            documents: v.documents, rows: rows.shape[0],
                            removeStopWords: tokenizer.removeStopWords, keepPossessive: tokenizer.keepPossessive)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var bytes = magic
        bytes.append(contentsOf: try encoder.encode(header))
        bytes.append(10)
        for t in [rows, pv.outputs, pv.wordVectors] { RecFile.append(t, to: &bytes) }
        return bytes
    }

    /// Reads a file `save` wrote; every size is checked against the file's length (and the
    /// machine) before anything is allocated.
    public static func load(_ path: String) throws -> Contents {
        let bytes = try TextFile.readBytes(path)
        let (json, start) = try RecFile.header(bytes, magic: magic, path: path, kind: "a rec paragraph-vector file")
        guard let h = try? JSONDecoder().decode(Header.self, from: json), h.version == 1,
              let method = ParagraphVectors.Method(rawValue: h.method), let seed = UInt64(h.seed) else {
            throw DataError(file: path, "has a damaged header (not the JSON rec writes)")
        }
        // Sizes beyond the file's length cannot be right (and would overflow below).
        let most = bytes.count / 4
        guard h.dim >= 1, h.dim <= most, h.rows >= 0, h.rows <= most, !h.words.isEmpty, h.words.count <= most,
              h.sample >= 0, h.sample.isFinite, h.learningRate.isFinite, h.minLearningRate.isFinite else {
            throw DataError(file: path, "has a damaged header (sizes or settings out of range)")
        }
        let floats = try Limits.floats([h.rows + 2 * h.words.count, h.dim], for: "load", "the paragraph vectors of \(path)")
        guard floats * 4 == bytes.count - start else {
            throw DataError(file: path, "holds \(bytes.count - start) data bytes, its header describes \(floats) numbers: truncated or damaged")
        }
        var o = EmbeddingTraining()
        (o.dim, o.window, o.negatives, o.epochs) = (h.dim, h.window, h.negatives, h.epochs)
        (o.learningRate, o.minLearningRate, o.sample, o.seed) = (h.learningRate, h.minLearningRate, h.sample, seed)
        let rows = RecFile.read(bytes, at: start, Shape(h.rows, h.dim))
        let words = Shape(h.words.count, h.dim), wordsStart = start + 4 * rows.count
        do {
            let vocabulary = try Vocabulary(words: h.words, counts: h.counts, documentFrequencies: h.documentFrequencies, documents: h.documents)
            let model = try ParagraphVectors(method: method, vocabulary: vocabulary, options: o, trainWords: h.trainWords, documentVectors: rows,
                                             wordVectors: RecFile.read(bytes, at: wordsStart + 4 * words.count, words),
                                             outputs: RecFile.read(bytes, at: wordsStart, words))
            return Contents(rows: rows, model: model, tokenizer: Tokenizer(removeStopWords: h.removeStopWords, keepPossessive: h.keepPossessive))
        } catch let e as ModelError {
            throw DataError(file: path, "has a damaged header (\(e.message))")
        }
    }
}
