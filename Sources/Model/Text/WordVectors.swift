import Foundation

/// Pretrained word vectors: GloVe text (`word v1 … vd`, no header), word2vec text (a
/// `count dim` header line, then GloVe-like lines) or word2vec binary (the header, then
/// `word ` and dim little-endian float32s per entry); any of them gzip-compressed.
public final class WordVectors {
    public enum Format: String, Sendable { case glove = "GloVe text", word2vecText = "word2vec text", word2vecBinary = "word2vec binary" }

    public let words: [String]
    public let vectors: Tensor
    public let format: Format
    private let index: [String: Int32]
    /// Words the file gives more than once (each once, in file order): only their first
    /// vector is used, as gensim does; the loader's caller says so.
    public let repeated: [String]

    public init(words: [String], vectors: Tensor, format: Format) {
        self.words = words
        self.vectors = vectors
        self.format = format
        var idx = [String: Int32](minimumCapacity: words.count)
        var repeated: [String] = [], seen = Set<String>()
        for (i, w) in words.enumerated() {
            if idx[w] == nil { idx[w] = Int32(i) } else if seen.insert(w).inserted { repeated.append(w) }
        }
        index = idx
        self.repeated = repeated
    }

    public var count: Int { words.count }
    public var dim: Int { vectors.shape[1] }

    public func id(_ word: String) -> Int32? { index[word] }

    /// Share of the tokens (counted with repeats) that have no vector.
    public func outOfVocabularyRate(_ documents: [[String]]) -> Double {
        var total = 0, missing = 0
        for doc in documents { for w in doc { total += 1; if index[w] == nil { missing += 1 } } }
        return total == 0 ? 0 : Double(missing) / Double(total)
    }

    /// One row per vocabulary word (zeros where there is no vector) and which rows were found.
    public func matrix(for vocabulary: Vocabulary) -> (matrix: Tensor, found: [Bool]) {
        let m = Tensor(zeros: Shape(vocabulary.count, dim))
        var found = [Bool](repeating: false, count: vocabulary.count)
        for (i, w) in vocabulary.words.enumerated() {
            if let j = index[w] {
                (m.pointer + i * dim).update(from: vectors.pointer + Int(j) * dim, count: dim)
                found[i] = true
            }
        }
        return (m, found)
    }

    /// Reads GloVe or word2vec vectors, gzip-compressed or not; the monitor sees the progress
    /// and can stop the reading (Ctrl-C).
    public static func load(_ path: String, monitor: (any ProgressMonitor)? = nil) throws -> WordVectors {
        let raw = try TextFile.readBytes(path)
        var bytes = Gzip.isCompressed(raw) ? try Gzip.decompress(raw, path: path, monitor: monitor) : raw
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            throw DataError(file: path, "is UTF-16 text; rec reads UTF-8 (save the file as UTF-8)")
        }
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }  // a UTF-8 byte-order mark
        return try WordVectorParser(path: path, bytes: bytes, monitor: monitor).parse()
    }
}

extension WordVectors: CustomStringConvertible {
    public var description: String { "WordVectors(\(count) words × \(dim), \(format.rawValue))" }
}

/// The byte-level parser behind WordVectors.load: numbers are read straight from the bytes
/// (100k × 50 GloVe loads in a fraction of a second in release builds).
struct WordVectorParser {
    let path: String
    let bytes: [UInt8]
    var monitor: (any ProgressMonitor)? = nil

    func error(_ line: Int, _ message: String) -> DataError { DataError(file: path, line: line, message) }

    func parse() throws -> WordVectors {
        guard !bytes.isEmpty else { throw DataError(file: path, "is empty") }
        let firstEnd = bytes.firstIndex(of: 10) ?? bytes.count
        let header = bytes[0..<firstEnd].split(separator: 32)
        if header.count == 2, let n = Fields.int(header[0]), let d = Fields.int(header[1]) {
            guard n > 0, d > 0 else { throw error(1, "the header must give a positive count and dimension, got \(n) \(d)") }
            let body = Swift.min(firstEnd + 1, bytes.count)  // a header without a newline ends the file
            // Every number takes at least two bytes (a digit and a space, or half a float32);
            // binary files are held to their exact size in `binary`.
            let available = bytes.count - body
            guard d <= available / 2, n <= available / (2 * d) else {
                throw error(1, "the header claims \(n) vectors of \(d) numbers, more than the \(available) bytes after it can hold")
            }
            if looksBinary(from: body, dim: d) { return try binary(from: body, count: n, dim: d) }
            let vectors = try text(from: body, firstLine: 2, dim: d, format: .word2vecText)
            guard vectors.count == n else {
                throw error(1, "the header claims \(n) vectors, the file holds \(vectors.count)")
            }
            return vectors
        }
        let dim = header.count - 1
        guard dim > 0 else { throw error(1, "expected a word followed by its numbers") }
        return try text(from: 0, firstLine: 1, dim: dim, format: .glove)
    }

    /// Text word2vec's first entry is a line of a word and `dim` numbers; binary's is not.
    func looksBinary(from start: Int, dim: Int) -> Bool {
        let end = bytes[start...].firstIndex(of: 10) ?? bytes.count
        let fields = bytes[start..<end].split(separator: 32)
        guard fields.count == dim + 1 else { return true }
        return bytes.withUnsafeBufferPointer { b in
            fields.dropFirst().contains { FastFloat.parse(b, $0.startIndex, $0.endIndex) == nil }
        }
    }

    func text(from start: Int, firstLine: Int, dim: Int, format: WordVectors.Format) throws -> WordVectors {
        var words: [String] = []
        var values: [Float] = []
        values.reserveCapacity(bytes.count / 8)
        var line = firstLine, i = start
        let n = bytes.count
        try bytes.withUnsafeBufferPointer { b in
            while i < n {
                var end = i
                while end < n && b[end] != 10 { end += 1 }
                var stop = end
                if stop > i && b[stop - 1] == 13 { stop -= 1 }
                if line & 0x3FFF == 0, let monitor { try monitor.advance(Double(i) / Double(n), "reading word vectors") }
                if stop > i {
                    // The word runs to the first space; the rest are dim numbers.
                    var p = i
                    while p < stop && b[p] != 32 { p += 1 }
                    guard let word = String(validating: b[i..<p], as: UTF8.self) else {
                        throw error(line, "the word is not valid UTF-8 (Latin-1? rec reads UTF-8)")
                    }
                    guard !b[i..<p].contains(0) else {  // UTF-16 or binary: a number would fail anyway
                        throw error(line, "holds a NUL byte: is it UTF-16 or a binary file? rec reads UTF-8 text")
                    }
                    var found = 0
                    while p < stop {
                        while p < stop && b[p] == 32 { p += 1 }
                        if p == stop { break }
                        var q = p
                        while q < stop && b[q] != 32 { q += 1 }
                        guard let v = FastFloat.parse(b, p, q) else {
                            throw error(line, "expected a number, found \(DataError.quote(String(decoding: b[p..<q], as: UTF8.self)))")
                        }
                        found += 1
                        if found <= dim { values.append(v) }
                        p = q
                    }
                    guard found == dim else {
                        throw error(line, "expected \(dim) numbers after \(DataError.quote(word)), found \(found)")
                    }
                    words.append(word)
                }
                line += 1
                i = end + 1
            }
        }
        guard !words.isEmpty else { throw DataError(file: path, "has no vectors") }
        return WordVectors(words: words, vectors: try Tensor(shape: Shape(words.count, dim), values: values), format: format)
    }

    func binary(from start: Int, count: Int, dim: Int) throws -> WordVectors {
        try checkClaim(count: count, dim: dim, available: bytes.count - start)
        var words: [String] = []
        let vectors = Tensor(uninitialized: Shape(count, dim))
        var i = start
        for k in 0..<count {
            if k & 0x3FFF == 0, let monitor { try monitor.advance(Double(k) / Double(count), "reading word vectors") }
            while i < bytes.count && (bytes[i] == 10 || bytes[i] == 13) { i += 1 }
            guard i < bytes.count, let space = bytes[i...].firstIndex(of: 32) else {
                throw DataError(file: path, "entry \(k + 1) of \(count): expected a word, the file ends")
            }
            guard let word = String(validating: bytes[i..<space], as: UTF8.self) else {
                throw DataError(file: path, "entry \(k + 1) of \(count): the word is not valid UTF-8")
            }
            let from = space + 1, to = from + 4 * dim
            guard to <= bytes.count else {
                throw DataError(file: path, "entry \(k + 1) of \(count) (\(DataError.quote(word))): the file ends inside its vector")
            }
            bytes.withUnsafeBytes { raw in
                for j in 0..<dim {
                    let bits = raw.loadUnaligned(fromByteOffset: from + 4 * j, as: UInt32.self)
                    vectors.pointer[k * dim + j] = Float(bitPattern: UInt32(littleEndian: bits))
                }
            }
            words.append(word)
            i = to
        }
        return WordVectors(words: words, vectors: vectors, format: .word2vecBinary)
    }
}

extension WordVectorParser {
    /// A binary header's count and dim are only a claim: each entry takes at least a
    /// one-byte word, a space and 4 × dim bytes, so a claim the file cannot hold is an error
    /// before anything is allocated (overflow-safe: a header may say anything).
    func checkClaim(count: Int, dim: Int, available: Int) throws {
        let (vector, o1) = dim.multipliedReportingOverflow(by: 4)
        let (entry, o2) = vector.addingReportingOverflow(2)
        let (needed, o3) = entry.multipliedReportingOverflow(by: count)
        guard !o1, !o2, !o3, needed <= available else {
            throw error(1, "the header claims \(count) vectors of \(dim) numbers, more than the \(available) bytes after it can hold")
        }
    }
}

/// Decimal text to Float without making a String: digits into an integer mantissa, then one
/// scaling by a power of ten in Double (exact for the ≤ 19 digits such files hold).
enum FastFloat {
    private static let powers: [Double] = (0...38).map { pow(10, Double($0)) }

    static func parse(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Float? {
        var i = start
        var negative = false
        if i < end && (b[i] == 45 || b[i] == 43) { negative = b[i] == 45; i += 1 }
        var mantissa: UInt64 = 0, digits = 0, scale = 0, any = false
        while i < end && b[i] >= 48 && b[i] <= 57 {
            if digits < 19 { mantissa = mantissa * 10 + UInt64(b[i] - 48); digits += mantissa > 0 ? 1 : 0 } else { scale += 1 }
            i += 1; any = true
        }
        if i < end && b[i] == 46 {
            i += 1
            while i < end && b[i] >= 48 && b[i] <= 57 {
                if digits < 19 { mantissa = mantissa * 10 + UInt64(b[i] - 48); digits += mantissa > 0 ? 1 : 0; scale -= 1 }
                i += 1; any = true
            }
        }
        guard any else { return nil }
        if i < end && (b[i] == 101 || b[i] == 69) {
            i += 1
            var expNegative = false
            if i < end && (b[i] == 45 || b[i] == 43) { expNegative = b[i] == 45; i += 1 }
            var e = 0, expDigits = false
            while i < end && b[i] >= 48 && b[i] <= 57 { e = Swift.min(e * 10 + Int(b[i] - 48), 10_000); i += 1; expDigits = true }
            guard expDigits else { return nil }
            scale += expNegative ? -e : e
        }
        guard i == end else { return nil }
        var v = Double(mantissa)
        if scale > 0 { v *= scale <= 38 ? powers[scale] : pow(10, Double(scale)) }
        if scale < 0 { v /= -scale <= 38 ? powers[-scale] : pow(10, Double(-scale)) }
        let f = Float(negative ? -v : v)
        return f.isFinite ? f : nil
    }
}
