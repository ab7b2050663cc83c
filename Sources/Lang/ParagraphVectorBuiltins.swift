import Model

/// A paragraph-vector matrix keeps the model that infers new rows: `infer(pv, "a plot")`,
/// `save(pv, "plots.pv")` (the matrix with its vocabulary, word vectors and settings), and
/// `load("plots.pv")` or `load("pv.npy", pv: "plots.pv")` to bring a matrix back able to infer.
enum ParagraphVectorBuiltins {
    /// A matrix whose new rows `model` infers, reading text with `tokenizer`.
    static func matrix(_ rows: Tensor, model: ParagraphVectors, tokenizer: Tokenizer) -> TensorObject {
        let text = TextEncoder(tokenizer: tokenizer, vocabulary: model.vocabulary)
        let t = TensorObject(Variable(rows), encoder: { plot in
            try Tensor(shape: Shape(1, model.dim), values: model.infer(text.ids(plot)))
        })
        t.paragraphVectors = (model, tokenizer)
        return t
    }

    /// `save(pv, "….pv")`.
    static func save(_ t: TensorObject, _ a: Arguments, _ s: Session) throws {
        guard let pv = t.paragraphVectors else {
            throw LangError(.argument, "save: a .pv file keeps a paragraph-vector matrix with its model; this tensor was not made by paragraph_vectors(…) (save it as .npy)",
                            a.span("x"))
        }
        try OutputFiles.write(a, s, kind: .paragraphVectors) { try ParagraphVectorsFile.save(pv.model, rows: t.tensor, tokenizer: pv.tokenizer, to: $0) }
    }

    /// `load(path)` of a .pv file, or `load("….npy", pv: "….pv")`: the .npy's rows with the
    /// .pv file's model (their widths must agree).
    static func load(_ path: String, pv: String?, _ a: Arguments, _ s: Session) throws -> Value? {
        if ParagraphVectorsFile.isFile(path) {
            guard pv == nil else { throw LangError(.argument, "load: \(path) is a paragraph-vector file already; pv: is for a .npy matrix", a.span("pv")) }
            let c = try ParagraphVectorsFile.load(path)
            return .object(matrix(c.rows, model: c.model, tokenizer: c.tokenizer))
        }
        guard let pv else { return nil }
        let c = try ParagraphVectorsFile.load(OutputFiles.input(pv, s))
        guard case .object(let t as TensorObject) = try Export.load(path, s) else { return nil }
        guard t.tensor.rank == 2, t.tensor.shape[1] == c.model.dim else {
            throw LangError(.argument, "load: \(path) holds \(t.tensor.shape), but the paragraph vectors of \(pv) are \(c.model.dim) wide: rows of \(c.model.dim) needed",
                            a.span("pv"))
        }
        return .object(matrix(t.tensor, model: c.model, tokenizer: c.tokenizer))
    }

    static func register(_ r: inout Registry) {
        r.add(Builtin("infer", [Parameter("matrix", "tensor"), Parameter("text", "string")],
                      summary: "A new plot's row for a content matrix that can read text: paragraph vectors (inferred) or TF-IDF-averaged word vectors.",
                      doc: "paragraph_vectors(…) infers the row with its word vectors frozen (the same text, the same row). A matrix loaded from .npy needs its model: load(\"pv.npy\", pv: \"plots.pv\") after save(pv, \"plots.pv\"), or load(\"plots.pv\") alone.",
                      example: "infer(pv, \"A lonely robot falls in love in outer space.\")") { a, _ in
            let t = try a.object("matrix", TensorObject.self)
            guard let encode = t.encoder else {
                throw LangError(.argument, "infer: this tensor cannot read a new plot — paragraph_vectors(…) and tfidf_average(…) make matrices that can; a .npy loaded alone cannot: save(pv, \"plots.pv\") keeps the vocabulary and word vectors, then load(\"plots.pv\") or load(\"pv.npy\", pv: \"plots.pv\")",
                                a.span("matrix"))
            }
            let row = try encode(try a.string("text"))
            return .object(TensorObject(Variable(try row.reshaped(Shape(row.count)))))
        })
    }
}
