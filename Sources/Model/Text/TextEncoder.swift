/// How an item's plot becomes model input, kept with the model so that a new plot (a movie
/// nobody has rated) is encoded exactly as the training plots were.
public struct TextEncoder: Sendable {
    public let tokenizer: Tokenizer
    public let vocabulary: Vocabulary
    /// The corpus's TF-IDF weighting, when the content was built from it.
    public let tfidf: TFIDF?

    public init(tokenizer: Tokenizer = Tokenizer(), vocabulary: Vocabulary, tfidf: TFIDF? = nil) {
        self.tokenizer = tokenizer
        self.vocabulary = vocabulary
        self.tfidf = tfidf
    }

    public func ids(_ text: String, maxLength: Int? = nil) -> [Int32] {
        vocabulary.encode(tokenizer.tokens(text), maxLength: maxLength)
    }

    /// TF-IDF-averaging weights of a new text over the words that have vectors (summing to 1).
    public func averagingWeights(_ text: String, found: [Bool]) throws -> (indices: [Int32], values: [Float]) {
        guard let tfidf else { throw ModelError("encode", "this content was not built with TF-IDF weights") }
        let (indices, values) = tfidf.row(tokenizer.tokens(text), vocabulary: vocabulary)
        let kept = zip(indices, values).filter { found[Int($0.0)] }
        let total = kept.reduce(0) { $0 + $1.1 }
        guard total > 0 else { return ([], []) }
        return (kept.map(\.0), kept.map { $0.1 / total })
    }
}
