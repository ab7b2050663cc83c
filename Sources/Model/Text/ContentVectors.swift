/// Content vectors of documents built from word vectors.
public enum ContentVectors {
    /// TF-IDF weights renormalised per document over the words that have a vector (rows sum
    /// to 1; words without a vector dropped): averaging weights, so that weights @ vectors is
    /// each document's TF-IDF-weighted mean word vector.
    public static func averagingWeights(_ tfidf: SparseMatrix, found: [Bool]) throws -> SparseMatrix {
        guard found.count == tfidf.columns else {
            throw ModelError("TF-IDF average", "\(found.count) word vectors for a vocabulary of \(tfidf.columns)")
        }
        var offsets = [0], indices: [Int32] = [], values: [Float] = []
        for r in 0..<tfidf.rows {
            let row = tfidf.row(r)
            let kept = zip(row.indices, row.values).filter { found[Int($0.0)] }
            let total = kept.reduce(0) { $0 + $1.1 }
            for (i, w) in kept where total > 0 {
                indices.append(i)
                values.append(w / total)
            }
            offsets.append(indices.count)
        }
        return SparseMatrix(rows: tfidf.rows, columns: tfidf.columns, offsets: offsets, indices: indices, values: values)
    }

    /// Each document's TF-IDF-weighted average of its words' vectors: Σ w·v / Σ w over the
    /// document's words that have a vector (a document with none gets zeros).
    /// `vectors` has one row per vocabulary word; `found` marks the rows that are real.
    public static func tfidfAverage(_ tfidf: SparseMatrix, vectors: Tensor, found: [Bool]) throws -> Tensor {
        guard vectors.rank == 2, vectors.shape[0] == tfidf.columns else {
            throw ModelError("TF-IDF average", "\(vectors.shape) word vectors do not match a vocabulary of \(tfidf.columns)")
        }
        return try averagingWeights(tfidf, found: found).multiply(vectors)
    }

    /// A new plot's TF-IDF-weighted average word vector, [1, dim], weighted as the corpus was:
    /// what a content node built with `tfidfAverage` uses for a movie nobody has rated.
    public static func newDocument(_ text: String, encoder: TextEncoder, vectors: Tensor, found: [Bool]) throws -> Tensor {
        let (indices, values) = try encoder.averagingWeights(text, found: found)
        let row = SparseMatrix(rows: 1, columns: vectors.shape[0], offsets: [0, indices.count], indices: indices, values: values)
        return try row.multiply(vectors)
    }
}
