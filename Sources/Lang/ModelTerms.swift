import Model

/// The numeric core names its own parts in its errors ("training", "recurrent tower"); the
/// user called a builtin. An error from a builtin's call reads with the builtin's name, as
/// the user wrote it (the call's span locates it).
enum ModelTerms {
    /// Model operation → the builtin that runs it.
    static let builtins: [String: String] = [
        "training": "fit",
        "gradient check": "gradcheck",
        "score": "dot",
        "paragraph tower": "paragraph_encoder",
        "recurrent tower": "rnn_encoder",
        "new plot": "recommend",
        "paragraph vectors": "paragraph_vectors",
        "TF-IDF average": "tfidf_average",
        "content kNN": "content_knn",
        "content ridge": "content_ridge",
    ]

    static func phrase(_ e: ModelError) -> ModelError {
        builtins[e.operation].map { ModelError($0, e.message) } ?? e
    }

    /// Runs a builtin's or a method's body, phrasing its Model errors.
    static func phrased<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as ModelError { throw phrase(e) }
    }
}
