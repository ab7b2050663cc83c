/// Content vectors of documents built from word vectors.
public enum ContentVectors {
    /// Each document's TF-IDF-weighted average of its words' vectors: Σ w·v / Σ w over the
    /// document's words that have a vector (a document with none gets zeros).
    /// `vectors` has one row per vocabulary word; `found` marks the rows that are real.
    public static func tfidfAverage(_ tfidf: SparseMatrix, vectors: Tensor, found: [Bool]) throws -> Tensor {
        guard vectors.rank == 2, vectors.shape[0] == tfidf.columns, found.count == tfidf.columns else {
            throw ModelError("tfidf_average", "\(vectors.shape) word vectors do not match a vocabulary of \(tfidf.columns)")
        }
        let d = vectors.shape[1]
        let out = Tensor(zeros: Shape(tfidf.rows, d))
        for r in 0..<tfidf.rows {
            let dst = out.pointer + r * d
            var total: Float = 0
            for k in tfidf.offsets[r]..<tfidf.offsets[r + 1] where found[Int(tfidf.indices[k])] {
                let w = tfidf.values[k]
                Kernels.axpy(w, vectors.pointer + Int(tfidf.indices[k]) * d, dst, d)
                total += w
            }
            if total > 0 { for j in 0..<d { dst[j] /= total } }
        }
        return out
    }
}
