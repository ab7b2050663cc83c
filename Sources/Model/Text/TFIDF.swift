#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// TF-IDF weights of documents over a vocabulary, as a sparse document × word matrix.
///
/// Term frequency: `.raw` is the count of the word in the document; `.sublinear` is
/// 1 + log(count), which keeps a word repeated five times from weighing five times as much.
/// Inverse document frequency with N documents and df containing the word: `.smooth` is
/// log((1 + N) / (1 + df)) + 1 (scikit-learn's default: never zero, never divides by zero);
/// `.plain` is log(N / df); `.none` is 1. Rows are L2-normalised when `normalize` is set.
public struct TFIDF: Sendable {
    public enum TermFrequency: String, Sendable { case raw, sublinear }
    public enum InverseDocumentFrequency: String, Sendable { case smooth, plain, none }

    public let weights: SparseMatrix
    public let idf: [Float]
    public let tf: TermFrequency
    public let normalize: Bool

    public init(documents: [[String]], vocabulary: Vocabulary, tf: TermFrequency = .raw,
                idf idfKind: InverseDocumentFrequency = .smooth, normalize: Bool = true) {
        let n = Float(vocabulary.documents)
        let idf = vocabulary.documentFrequencies.map { df -> Float in
            switch idfKind {
            case .smooth: return logf((1 + n) / (1 + Float(df))) + 1
            case .plain: return logf(n / Float(Swift.max(df, 1)))
            case .none: return 1
            }
        }
        self.idf = idf
        self.tf = tf
        self.normalize = normalize
        var offsets = [0], indices: [Int32] = [], values: [Float] = []
        for doc in documents {
            let (row, rowValues) = TFIDF.row(doc, vocabulary: vocabulary, idf: idf, tf: tf, normalize: normalize)
            indices += row
            values += rowValues
            offsets.append(indices.count)
        }
        weights = SparseMatrix(rows: documents.count, columns: vocabulary.count, offsets: offsets,
                               indices: indices, values: values)
    }

    /// One document's weights (word ids ascending), as for the training documents: a new
    /// text is weighted with the corpus's idf.
    public func row(_ tokens: [String], vocabulary: Vocabulary) -> (indices: [Int32], values: [Float]) {
        TFIDF.row(tokens, vocabulary: vocabulary, idf: idf, tf: tf, normalize: normalize)
    }

    static func row(_ tokens: [String], vocabulary: Vocabulary, idf: [Float], tf: TermFrequency,
                    normalize: Bool) -> (indices: [Int32], values: [Float]) {
        var counts = [Int32: Int]()
        for w in tokens { if let id = vocabulary.id(w) { counts[id, default: 0] += 1 } }
        let row = counts.keys.sorted()
        var values = row.map { id -> Float in
            let c = Float(counts[id]!)
            return (tf == .raw ? c : 1 + logf(c)) * idf[Int(id)]
        }
        if normalize {
            let norm = values.reduce(0) { $0 + $1 * $1 }.squareRoot()
            if norm > 0 { values = values.map { $0 / norm } }
        }
        return (row, values)
    }
}
