import Model

enum ModelBuiltins {
    static func node(_ a: Arguments, _ name: String) throws -> any Tower {
        try a.object(name, TowerObject.self).tower
    }

    static func dataOf(_ a: Arguments, _ name: String) throws -> MovieLens? {
        try a.object(name, TowerObject.self).data
    }

    static func activation(_ a: Arguments) throws -> Activation {
        Activation(rawValue: try a.choice("act", Activation.allCases.map(\.rawValue), default: "none"))!
    }

    /// L2 weight decay: a number ≥ 0.
    static func decay(_ a: Arguments) throws -> Float {
        let d = try a.float("decay")
        guard d >= 0 else { throw LangError(.argument, "\(a.callee): decay must be a number ≥ 0, got \(Value.format(Double(d)))", a.span("decay")) }
        return d
    }

    static let decayParameter = Parameter("decay", "number ≥ 0", default: "0", keywordOnly: true)

    static func rate(_ a: Arguments, _ name: String) throws -> Float {
        let r = try a.number(name, default: 0)
        guard r >= 0 && r < 1 else { throw LangError(.argument, "\(a.callee): \(name) must be in [0, 1), got \(Value.format(r))", a.span(name)) }
        return Float(r)
    }

    /// The hidden width of a GRU/LSTM: its weights are [input + hidden, 4 × hidden] at most.
    static func recurrentWidth(_ a: Arguments, input: Int) throws -> Int {
        let h = try a.int("dim", min: 1)
        try a.limit("dim", [input + h, 4, h], "dim \(h)")
        return h
    }

    /// Two [n, d₁] and [n, d₂] matrices as one [n, d₁ + d₂] (e.g. plot vectors beside genre flags).
    static func sideBySide(_ x: Tensor, _ y: Tensor, _ a: Arguments) throws -> Tensor {
        guard x.rank == 2, y.rank == 2 else {
            throw LangError(.argument, "concat: two matrices are put side by side, got shapes \(x.shape) and \(y.shape)", a.callSpan)
        }
        guard x.shape[0] == y.shape[0] else {
            throw LangError(.argument, "concat: the matrices need as many rows, got \(x.shape[0]) and \(y.shape[0])", a.callSpan)
        }
        try a.limit("a", [x.shape[0], x.shape[1] + y.shape[1]], "the \(x.shape[0]) × \(x.shape[1] + y.shape[1]) matrix")
        return try Tensor.concat([x, y])
    }

    static func register(_ r: inout Registry) {
        r.add(Builtin("embedding", [Parameter("axis", "ml.items or ml.users"), Parameter("dim", "whole number"),
                                    Parameter("dropout", "fraction", default: "0", keywordOnly: true), decayParameter],
                      summary: "A learned vector per item or user (dropout drops whole rows while training).",
                      doc: "decay: L2 weight decay λ — λ/2 · ‖row‖² per example on the rows each batch reads (lazy: untouched rows are left alone).",
                      example: "item = embedding(ml.items, 64, dropout: 0.5, decay: 0.001)") { a, s in
            let axis = try a.object("axis", AxisObject.self)
            return .object(TowerObject(try EmbeddingTower(axis: axis.axis, count: axis.count, dim: try a.size("dim", times: [axis.count]),
                                                          dropout: try rate(a, "dropout"), decay: try decay(a), rng: s.rng), data: axis.data))
        })
        r.add(Builtin("content", [Parameter("matrix", "tensor [items, dim]"), Parameter("finetune", "bool", default: "false", keywordOnly: true)],
                      summary: "A content matrix (one row per item) as an item-side node, fixed or fine-tuned.",
                      doc: "Fine-tuning TF-IDF-averaged word vectors trains the word vectors themselves (through the documents' weights); other matrices fine-tune their rows.",
                      example: "text = content(tfidf_average(ml.plots, glove, vocab), finetune: true)") { a, _ in
            let t = try a.object("matrix", TensorObject.self)
            let finetune = try a.bool("finetune")
            // A NaN row would make every score NaN and fit blame the learning rate.
            let bad = t.tensor.nonFinite
            if let first = bad.first {
                let row = t.tensor.rank >= 2 ? " (the first in row \(first / Swift.max(1, t.tensor.count / t.tensor.shape[0])))" : ""
                throw LangError(.argument, "content: the matrix holds \(bad.nan) NaN and \(bad.infinite) infinite value\(bad.infinite == 1 ? "" : "s")\(row)", a.span("matrix"))
            }
            if finetune, let w = t.weightedWords {
                return .object(TowerObject(try WeightedWordsTower(weights: w.weights, words: w.words, finetune: true, text: w.text, found: w.found), data: nil))
            }
            return .object(TowerObject(try ContentTower(t.tensor, finetune: finetune, encoder: t.encoder), data: nil))
        })
        r.add(Builtin("dense", [Parameter("x", "node"), Parameter("width", "whole number"),
                                Parameter("act", "\"elu\", \"relu\", \"tanh\", \"sigmoid\" or \"none\"", default: "\"none\"", keywordOnly: true),
                                Parameter("dropout", "fraction", default: "0", keywordOnly: true),
                                Parameter("bias", "bool", default: "true", keywordOnly: true), decayParameter],
                      summary: "A dense layer on a node: act(x W + b), with dropout on its output while training.",
                      doc: "bias: false leaves b out. elu(dense(x, 64)) is the same layer as dense(x, 64, act: \"elu\") (it shares the dense node's weights). "
                        + "decay: L2 weight decay λ on W — λ/2 · ‖W‖² added to every batch's loss.",
                      example: "h = dense(item, 64, act: \"elu\", dropout: 0.2)") { a, s in
            let x = try node(a, "x")
            return .object(TowerObject(try DenseTower(x, width: try a.size("width", times: [x.width]), activation: try activation(a),
                                                      dropout: try rate(a, "dropout"), bias: try a.bool("bias"), decay: try decay(a), rng: s.rng),
                                       data: try dataOf(a, "x")))
        })
        r.add(Builtin("project", [Parameter("x", "node"), Parameter("width", "whole number"), decayParameter],
                      summary: "A bias-free linear map of a node: x W (no bias, no activation).",
                      example: "v = project(text, 64)") { a, s in
            let x = try node(a, "x")
            return .object(TowerObject(try DenseTower(x, width: try a.size("width", times: [x.width]), bias: false, decay: try decay(a), rng: s.rng),
                                       data: try dataOf(a, "x")))
        })
        r.add(Builtin("dropout", [Parameter("x", "node"), Parameter("rate", "fraction"), Parameter("rows", "bool", default: "false", keywordOnly: true)],
                      summary: "Dropout on a node's output while training (rows: drop whole rows).", example: "text = dropout(text, 0.3)") { a, _ in
            .object(TowerObject(try DropoutTower(try node(a, "x"), rate: try rate(a, "rate"), wholeRows: try a.bool("rows")),
                                data: try dataOf(a, "x")))
        })
        r.add(Builtin("concat", [Parameter("a", "node or matrix"), Parameter("b", "node or matrix")],
                      summary: "Two nodes side by side (merge by concatenation), or two matrices with as many rows (content side by side).",
                      example: "item = concat(embedding(ml.items, 32), text)") { a, _ in
            if case .object(let x as TensorObject) = a.value("a"), case .object(let y as TensorObject) = a.value("b") {
                return .object(TensorObject(Variable(try sideBySide(x.variable.value, y.variable.value, a))))
            }
            return .object(TowerObject(try ConcatTower([try node(a, "a"), try node(a, "b")]), data: try dataOf(a, "a") ?? dataOf(a, "b")))
        })
        registerScoreAndEncoders(&r)
    }

    /// The score, and the encoders trained end-to-end with it.
    static func registerScoreAndEncoders(_ r: inout Registry) {
        r.add(Builtin("dot", [Parameter("user", "user-side node"), Parameter("item", "item-side node"),
                              Parameter("user_bias", "bool", default: "true", keywordOnly: true)],
                      summary: "The score of user–item pairs: user · item (+ a learned per-user bias).",
                      example: "score = dot(embedding(ml.users, 64), item)") { a, _ in
            let user = try node(a, "user"), item = try node(a, "item")
            guard user.axis == .users else {
                throw LangError(.argument, "dot: the first argument must be a user side, got \(user.axis.side)", a.span("user"))
            }
            guard item.axis == .items else {
                throw LangError(.argument, "dot: the second argument must be an item side, got \(item.axis.side)", a.span("item"))
            }
            guard let users = user.idCount else { throw LangError(.argument, "dot: the user side has no embedding to tell how many users there are", a.span("user")) }
            guard let items = item.idCount else { throw LangError(.argument, "dot: the item side does not tell how many items there are", a.span("item")) }
            return .object(ScoreObject(try ScoreModel(user: user, item: item, users: users, items: items,
                                                      userBias: try a.bool("user_bias")),
                                       data: try dataOf(a, "user") ?? dataOf(a, "item")))
        })
        r.add(Builtin("paragraph_encoder", [Parameter("plots", "plots"), Parameter("dim", "whole number", default: "64", keywordOnly: true),
                                            Parameter("weight", "number", default: "1", keywordOnly: true)],
                      summary: "Paragraph vectors trained end-to-end with the preference loss (weight balances the word-prediction loss).",
                      example: "item = paragraph_encoder(ml.plots, dim: 64, weight: 0.5)") { a, s in
            let plots = try a.object("plots", PlotsObject.self)
            let c = try TextBuiltins.corpus(plots)
            return .object(TowerObject(try ParagraphTower(sequences: c.encoded, vocabulary: c.vocabulary,
                                                          dim: try a.size("dim", times: [c.documents.count + c.vocabulary.count]),
                                                          weight: try a.float("weight"),
                                                          text: c.text, rng: s.rng),
                                       data: plots.data))
        })
        r.add(Builtin("rnn_encoder", [Parameter("plots", "plots"), Parameter("cell", "\"gru\" or \"lstm\"", default: "\"gru\"", keywordOnly: true),
                                      Parameter("dim", "whole number", default: "64", keywordOnly: true),
                                      Parameter("words", "wordvectors", default: "random", keywordOnly: true),
                                      Parameter("max_words", "whole number", default: "60", keywordOnly: true)],
                      summary: "A GRU or LSTM over each plot's words, trained end-to-end.",
                      example: "item = rnn_encoder(ml.plots, cell: \"gru\", dim: 64, words: glove, max_words: 40)") { a, s in
            let plots = try a.object("plots", PlotsObject.self)
            let c = try TextBuiltins.corpus(plots)
            let vocab = c.vocabulary
            let words: Embedding
            if let wv = try a.optionalObject("words", VectorsObject.self) {
                words = try Embedding(vectors: wv.vectors.matrix(for: vocab).matrix)
            } else {
                words = try Embedding(vocab.count, 50, initScale: 0.1, rng: s.rng)
            }
            let cell = RecurrentTower.Cell(rawValue: try a.choice("cell", ["gru", "lstm"]))!
            let maxWords = try a.int("max_words", min: 1)
            return .object(TowerObject(try RecurrentTower(sequences: c.documents.map { vocab.encode($0, maxLength: maxWords) }, cell: cell,
                                                          hidden: try recurrentWidth(a, input: words.dim), words: words, maxWords: maxWords,
                                                          text: c.text, rng: s.rng),
                                       data: plots.data))
        })
        registerMembers(&r)
    }

    /// The members of nodes and scores.
    static func registerMembers(_ r: inout Registry) {
        r.add(TowerObject.typeName, [
            .property("width", "The node's output width.") { (t: TowerObject) in .number(Double(t.tower.width)) },
            .property("parameters", "How many trainable numbers the node and its inputs hold.") { (t: TowerObject) in .number(Double(t.tower.parameterCount)) },
        ])
        r.add(ScoreObject.typeName, [
            .property("item_vectors", "The item embeddings: the item side's output for every item, [items, width], dropout off (to save: export(score.item_vectors, \"items.npy\")).") { (s: ScoreObject) in
                .object(TensorObject(Variable(try s.model.vectors(of: .items))))
            },
            .property("user_vectors", "The user embeddings: the user side's output for every user, [users, width].") { (s: ScoreObject) in
                .object(TensorObject(Variable(try s.model.vectors(of: .users))))
            },
        ])
    }
}
