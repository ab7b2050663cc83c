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
        var offsets = [0], indices: [Int32] = [], values: [Float] = []
        var counts = [Int32: Int]()
        for doc in documents {
            counts.removeAll(keepingCapacity: true)
            for w in doc { if let id = vocabulary.id(w) { counts[id, default: 0] += 1 } }
            let row = counts.keys.sorted()
            var rowValues = row.map { id -> Float in
                let c = Float(counts[id]!)
                return (tf == .raw ? c : 1 + logf(c)) * idf[Int(id)]
            }
            if normalize {
                let norm = rowValues.reduce(0) { $0 + $1 * $1 }.squareRoot()
                if norm > 0 { rowValues = rowValues.map { $0 / norm } }
            }
            indices += row
            values += rowValues
            offsets.append(indices.count)
        }
        self.idf = idf
        weights = SparseMatrix(rows: documents.count, columns: vocabulary.count, offsets: offsets,
                               indices: indices, values: values)
    }
}
