/// An error in a script: what kind, the message, where, and a hint when one helps. Detection
/// only: rendering (file:line:col, the source line, a caret) is `Diagnostic`'s job.
public struct LangError: Error, CustomStringConvertible, Sendable {
    public enum Kind: String, Sendable {
        case syntax = "syntax error"
        case name = "unknown name"
        case argument = "argument error"
        case type = "type error"
        case runtime = "error"
        case incomplete = "incomplete input"
        case interrupted = "interrupted"
    }

    public let kind: Kind
    public let message: String
    public let span: SourceSpan?
    public var hint: String?
    /// Where inside called functions the error arose, outermost call first: `span` is then the
    /// call in the statement that ran, and each frame a place in a function's body.
    public var frames: [Frame] = []

    /// A place in the body of a function the failing statement called.
    public struct Frame: Sendable {
        public let function: String
        public let span: SourceSpan
        /// The text the function was defined in (to show the line), when known.
        public let source: SourceText?
    }

    public init(_ kind: Kind, _ message: String, _ span: SourceSpan?, hint: String? = nil) {
        self.kind = kind
        self.message = message
        self.span = span
        self.hint = hint
    }

    /// The same error placed at `span` (keeping its hint and frames).
    func at(_ span: SourceSpan?) -> LangError {
        var e = LangError(kind, message, span, hint: hint)
        e.frames = frames
        return e
    }

    /// The error raised in `function`'s body, reported at the call `call` with the place in the
    /// body as the first frame (a person sees the line they ran, then where it went wrong).
    func called(from call: SourceSpan, function: String, definedIn source: SourceText?) -> LangError {
        var e = LangError(kind, message, call, hint: hint)
        e.frames = (span.map { [Frame(function: function, span: $0, source: source)] } ?? []) + frames
        return e
    }

    public var description: String {
        (span.map { "\($0): " } ?? "") + "error: " + message + (hint.map { " (hint: \($0))" } ?? "")
    }
}

/// Renders errors as `FILE:LINE:COL: error: MESSAGE`, the source line, a caret and tildes
/// under the span, then `hint: …` (workbench.md §1). The prompt's errors have no file name.
public enum Diagnostic {
    public static func render(_ error: LangError, source: SourceText) -> String {
        var out = ""
        if let span = error.span {
            out += "\(span): error: \(error.message)\n"
            out += quote(span, in: source)
        } else {
            out += "error: \(error.message)\n"
        }
        // A long chain (a function calling itself) shows its first and last calls.
        let frames = error.frames, shown = 4
        for (k, frame) in frames.enumerated() {
            if frames.count > 2 * shown, k >= shown, k < frames.count - shown {
                if k == shown { out += "… \(frames.count - 2 * shown) calls more …\n" }
                continue
            }
            out += "\(frame.span): in \(frame.function):\n"
            if let text = frame.source { out += quote(frame.span, in: text) }
        }
        if let hint = error.hint { out += "hint: \(hint)\n" }
        return out
    }

    /// The span's line and a caret with tildes under it (nothing when the line is not in `source`).
    static func quote(_ span: SourceSpan, in source: SourceText) -> String {
        guard let line = source.line(span.line) else { return "" }
        let text = String(line).replacingOccurrences(of: "\r", with: "")
        let pad = String(text.prefix(span.column - 1).map { $0 == "\t" ? "\t" : " " })
        return text + "\n" + pad + "^" + String(repeating: "~", count: Swift.max(0, Swift.min(span.length, text.count - span.column + 1) - 1)) + "\n"
    }

    /// Names people bring from other tools, and what the language calls that thing (for an
    /// undefined name that no known name is close to).
    static let aliases: [String: String] = {
        var a: [String: String] = [:]
        for n in ["gru", "lstm", "rnn"] { a[n] = "rnn_encoder(plots, cell: \"gru\" or \"lstm\") encodes each plot's words with a GRU or an LSTM" }
        for n in ["doc2vec", "paragraph2vec", "pv"] { a[n] = "paragraph_vectors(plots) learns paragraph vectors; paragraph_encoder(plots) trains them with the model" }
        for n in ["train", "optimize"] { a[n] = "fit(loss, events, optimizer, epochs: …) trains a model" }
        for n in ["predict", "rank"] { a[n] = "recommend(score, item: …) ranks the users for a movie; evaluate(score, events) measures the ranking" }
        for n in ["linear", "mlp", "fc"] { a[n] = "dense(x, width, act: …) is a dense layer" }
        for n in ["ndcg", "recall", "metrics"] { a[n] = "evaluate(score, events, k: 20) gives ndcg@k, recall@k, mrr and auc" }
        for n in ["ease", "als", "knn", "popularity", "ridge", "rp3beta"] { a[n] = "baseline(\"\(n == "knn" ? "content_knn" : n == "ridge" ? "content_ridge" : n)\", split.train, …) is that classic method" }
        for n in ["matmul", "mm", "bmm"] { a[n] = "a @ b is the matrix product" }
        a["transpose"] = "x.T is a matrix's transpose"
        for n in ["len", "size", "shape"] { a[n] = "x.shape gives a tensor's sizes" }
        a["mse"] = "wmse(score, alpha: …) is the weighted squared error"
        for n in ["cross_entropy", "crossentropy", "softmax_loss"] { a[n] = "listwise(score, negatives: …) is the softmax cross-entropy over a positive and sampled users" }
        a["glove"] = "wordvectors(\"vectors/glove.6B.50d.top100k.txt.gz\") loads pretrained word vectors"
        a["print"] = "a statement's value prints by itself; end it with ; to silence it"
        return a
    }()

    /// Why `name` is not defined, beyond the message: the closest known name, else what the
    /// language calls a thing of that name elsewhere.
    public static func undefinedHint(_ name: String, among candidates: [String]) -> String? {
        closest(to: name, among: candidates).map { "did you mean \($0)?" } ?? aliases[name.lowercased()]
    }

    /// The known name closest to `name` (edit distance at most a third of its length, and 1+).
    public static func closest(to name: String, among candidates: [String]) -> String? {
        let limit = Swift.max(1, name.count / 3)
        var best: (String, Int)?
        // The distance is at least the difference in length: skip what cannot be close (a
        // 100,000-character name against every candidate would take seconds).
        for c in candidates where abs(c.count - name.count) <= limit {
            let d = editDistance(name.lowercased(), c.lowercased())
            if d <= limit && (best == nil || d < best!.1) { best = (c, d) }
        }
        return best?.0
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + [Int](repeating: 0, count: b.count)
            for j in stride(from: 1, through: b.count, by: 1) {
                current[j] = Swift.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
