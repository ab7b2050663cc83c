import Model

enum TextBuiltins {
    /// Each item's plot tokenized ("" for items without one).
    static func documents(_ plots: PlotsObject, _ tokenizer: Tokenizer) -> [[String]] {
        plots.texts.map { tokenizer.tokens($0 ?? "") }
    }

    /// The plots as the builtins that learn from text see them: each item's tokens (empty
    /// where it has no plot), the words seen at least twice, and the encoder for new plots.
    struct Corpus {
        let documents: [[String]]
        let vocabulary: Vocabulary
        let text: TextEncoder
        var encoded: [[Int32]] { documents.map { vocabulary.encode($0) } }
    }

    static func corpus(_ plots: PlotsObject) throws -> Corpus {
        let tokenizer = Tokenizer()
        let docs = documents(plots, tokenizer)
        let vocab = try Vocabulary(documents: docs.filter { !$0.isEmpty }, minCount: 2)
        return Corpus(documents: docs, vocabulary: vocab, text: TextEncoder(tokenizer: tokenizer, vocabulary: vocab))
    }

    /// The training options of word2vec and paragraph vectors, checked against the corpus:
    /// `rows` vectors of `dim` floats must fit in memory, and the negatives drawn for each
    /// word cannot outnumber the vocabulary they are drawn from.
    static func options(_ a: Arguments, dim: Int = 100, rows: Int, vocabulary: Int) throws -> EmbeddingTraining {
        var o = EmbeddingTraining()
        o.dim = try a.size("dim", times: [rows])
        o.window = try a.int("window", min: 1)
        o.negatives = try a.int("negatives", min: 1)
        guard o.negatives <= vocabulary else {
            throw LangError(.argument, "\(a.callee): negatives \(o.negatives) is more than the \(vocabulary) words of the vocabulary they are drawn from",
                            a.span("negatives"))
        }
        o.epochs = try a.int("epochs", min: 1)
        return o
    }

    static func register(_ r: inout Registry) {
        r.add(Builtin("vocabulary", [Parameter("plots", "plots"), Parameter("min_count", "whole number", default: "1", keywordOnly: true),
                                     Parameter("max_df", "fraction", default: "1", keywordOnly: true),
                                     Parameter("max_size", "whole number", default: "none", keywordOnly: true),
                                     Parameter("stop_words", "bool", default: "false", keywordOnly: true)],
                      summary: "The words of the plots kept for modelling.", example: "vocab = vocabulary(ml.plots, min_count: 2, max_df: 0.5)") { a, _ in
            let tokenizer = Tokenizer(removeStopWords: try a.bool("stop_words"))
            let docs = documents(try a.object("plots", PlotsObject.self), tokenizer).filter { !$0.isEmpty }
            let maxDF = try a.number("max_df")
            guard maxDF > 0 && maxDF <= 1 else {
                throw LangError(.argument, "vocabulary: max_df must be in (0, 1], got \(Value.format(maxDF))", a.span("max_df"))
            }
            let v = try Vocabulary(documents: docs, minCount: try a.int("min_count", min: 1), maxDocumentFrequency: maxDF,
                                   maxSize: a.has("max_size") ? try a.int("max_size", min: 1) : nil)
            return .object(VocabularyObject(v, tokenizer))
        })
        r.add(Builtin("tfidf", [Parameter("plots", "plots"), Parameter("vocab", "vocabulary"),
                                Parameter("sublinear", "bool", default: "false", keywordOnly: true)],
                      summary: "Each plot's TF-IDF weights over the vocabulary: a content matrix [items, words], rows of unit length.",
                      doc: "A bag of words keeps what averaged word vectors blur (names, titles of a series): use it beside them, "
                        + "concat(avg, w), or alone, content(w). sublinear: true weighs a word repeated n times by 1 + log n. "
                        + "A new plot (recommend(…, plot: …)) is weighted the same way.",
                      example: "w = tfidf(ml.plots, vocab)") { a, _ in
            let v = try a.object("vocab", VocabularyObject.self)
            let t = TFIDF(documents: documents(try a.object("plots", PlotsObject.self), v.tokenizer), vocabulary: v.vocabulary,
                          tf: try a.bool("sublinear") ? .sublinear : .raw)
            try a.limit("vocab", [t.weights.rows, t.weights.columns], "the \(t.weights.rows) plots × \(t.weights.columns) words matrix")
            let encoder = TextEncoder(tokenizer: v.tokenizer, vocabulary: v.vocabulary, tfidf: t)
            return .object(TensorObject(Variable(t.weights.dense()), encoder: { text in
                let (indices, values) = t.row(encoder.tokenizer.tokens(text), vocabulary: encoder.vocabulary)
                return SparseMatrix(rows: 1, columns: t.weights.columns, offsets: [0, indices.count], indices: indices, values: values).dense()
            }))
        })
        r.add(Builtin("wordvectors", [Parameter("path", "path")], summary: "Pretrained word vectors (GloVe or word2vec text, word2vec binary, .gz).",
                      example: "glove = wordvectors(\"vectors/glove.6B.50d.top100k.txt.gz\")") { a, s in
            let path = try a.string("path"), vectors = try WordVectors.load(s.resolvePath(path), monitor: SessionMonitor(s))
            if let first = vectors.repeated.first {
                let n = vectors.repeated.count
                s.warn("wordvectors: \(path) gives \(n) word\(n == 1 ? "" : "s") more than once (\(n == 1 ? "" : "the first: ")'\(first)'); "
                       + "each word's first vector is used")
            }
            return .object(VectorsObject(vectors))
        })
        r.add(Builtin("tfidf_average", [Parameter("plots", "plots"), Parameter("vectors", "wordvectors"), Parameter("vocab", "vocabulary")],
                      summary: "Each item's TF-IDF-weighted average of its plot's word vectors: a content matrix.",
                      doc: "A new plot (recommend(…, plot: …)) is encoded the same way.",
                      example: "text = content(tfidf_average(ml.plots, glove, vocab))") { a, _ in
            let v = try a.object("vocab", VocabularyObject.self), wv = try a.object("vectors", VectorsObject.self).vectors
            let tfidf = TFIDF(documents: documents(try a.object("plots", PlotsObject.self), v.tokenizer), vocabulary: v.vocabulary)
            let (matrix, found) = wv.matrix(for: v.vocabulary)
            let weights = try ContentVectors.averagingWeights(tfidf.weights, found: found)
            let content = try weights.multiply(matrix)
            let encoder = TextEncoder(tokenizer: v.tokenizer, vocabulary: v.vocabulary, tfidf: tfidf)
            let t = TensorObject(Variable(content), encoder: { try ContentVectors.newDocument($0, encoder: encoder, vectors: matrix, found: found) })
            t.weightedWords = (weights, matrix, encoder, found)
            return .object(t)
        })
        registerTrained(&r)
    }

    /// Vectors trained on the plots here: paragraph vectors and word2vec.
    static func registerTrained(_ r: inout Registry) {
        r.add(Builtin("paragraph_vectors", [Parameter("plots", "plots"), Parameter("dim", "whole number", default: "100", keywordOnly: true),
                                            Parameter("method", "\"dbow\" or \"dm\"", default: "\"dbow\"", keywordOnly: true),
                                            Parameter("epochs", "whole number", default: "20", keywordOnly: true),
                                            Parameter("window", "whole number", default: "5", keywordOnly: true),
                                            Parameter("negatives", "whole number", default: "5", keywordOnly: true),
                                            Parameter("words", "bool", default: "true", keywordOnly: true)],
                      summary: "Paragraph vectors of the plots (PV-DBOW or PV-DM): a content matrix.",
                      doc: "Items without a plot get zeros; a new plot gets an inferred vector (infer(pv, text), or recommend(…, plot: text) through content(pv)). save(pv, \"plots.pv\") keeps the matrix with its vocabulary and word vectors; load(\"plots.pv\") brings it back able to infer.",
                      example: "pv = paragraph_vectors(ml.plots, dim: 50, method: \"dbow\", epochs: 20)") { a, s in
            let c = try corpus(try a.object("plots", PlotsObject.self))
            let docs = c.documents, vocab = c.vocabulary
            let withPlot = docs.indices.filter { !docs[$0].isEmpty }
            var o = try options(a, rows: docs.count + 2 * vocab.count, vocabulary: vocab.count)
            o.seed = s.rng.next()
            let method = ParagraphVectors.Method(rawValue: try a.choice("method", ["dbow", "dm"]))!
            let pv = try ParagraphVectors(documents: withPlot.map { vocab.encode(docs[$0]) }, vocabulary: vocab, method: method,
                                          trainWords: try a.bool("words"), options: o, monitor: SessionMonitor(s))
            let matrix = Tensor(zeros: Shape(docs.count, o.dim))
            for (k, item) in withPlot.enumerated() {
                for j in 0..<o.dim { matrix[item, j] = pv.documentVectors[k, j] }
            }
            return .object(ParagraphVectorBuiltins.matrix(matrix, model: pv, tokenizer: c.text.tokenizer))
        })
        r.add(Builtin("word2vec", [Parameter("plots", "plots"), Parameter("dim", "whole number", default: "100", keywordOnly: true),
                                   Parameter("window", "whole number", default: "5", keywordOnly: true),
                                   Parameter("negatives", "whole number", default: "5", keywordOnly: true),
                                   Parameter("epochs", "whole number", default: "20", keywordOnly: true)],
                      summary: "Word vectors trained on the plots (skip-gram, negative sampling).",
                      example: "w2v = word2vec(ml.plots, dim: 50, epochs: 10)") { a, s in
            let c = try corpus(try a.object("plots", PlotsObject.self))
            var o = try options(a, rows: 2 * c.vocabulary.count, vocabulary: c.vocabulary.count)
            o.seed = s.rng.next()
            let w = try Word2Vec(documents: c.encoded.filter { !$0.isEmpty }, vocabulary: c.vocabulary, options: o, monitor: SessionMonitor(s))
            return .object(VectorsObject(WordVectors(words: c.vocabulary.words, vectors: w.vectors, format: .word2vecText)))
        })
        r.add(VocabularyObject.typeName, [
            .property("size", "How many words.") { (v: VocabularyObject) in .number(Double(v.vocabulary.count)) },
            .property("words", "The words, most frequent first.") { (v: VocabularyObject) in .list(v.vocabulary.words.map { .string($0) }) },
        ])
        r.add(VectorsObject.typeName, [
            .property("dim", "The vectors' width.") { (v: VectorsObject) in .number(Double(v.vectors.dim)) },
            .method("oov", [Parameter("plots", "plots")], "The share of plot tokens without a vector.") { (v: VectorsObject, a: Arguments, _: Session) in
                .number(v.vectors.outOfVocabularyRate(documents(try a.object("plots", PlotsObject.self), Tokenizer())))
            },
        ])
    }
}
