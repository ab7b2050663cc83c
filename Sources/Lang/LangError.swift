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
        // A wide character (CJK, emoji) takes two cells of a terminal: so does its padding.
        let pad = text.prefix(span.column - 1).map { $0 == "\t" ? "\t" : String(repeating: " ", count: cells($0)) }.joined()
        let under = text.dropFirst(span.column - 1).prefix(span.length).reduce(0) { $0 + cells($1) }
        return text + "\n" + pad + "^" + String(repeating: "~", count: Swift.max(0, under - 1)) + "\n"
    }

    /// How many terminal cells a character takes: two for East Asian wide and full-width
    /// characters and emoji, else one.
    static func cells(_ c: Character) -> Int {
        guard let v = c.unicodeScalars.first?.value, v >= 0x1100 else { return 1 }
        return wide.contains { $0.contains(v) } ? 2 : 1
    }

    /// The code points a terminal draws two cells wide (East Asian wide, full width, emoji).
    static let wide: [ClosedRange<UInt32>] = [0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
                                              0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
                                              0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x3FFFD]

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
        for n in ["display", "show"] { a[n] = "a value on a line of its own is shown (in a notebook, a cell's last line too)" }
        a["true"] = "the booleans are written true and false, in lower case"
        a["false"] = a["true"]
        for n in ["none", "null", "nil"] { a[n] = "there is no none to pass: leave an optional argument out and it takes its default" }
        for n in ["exit", "quit"] { a[n] = ":quit or Ctrl-D leaves rec (at the prompt, on a line of its own)" }
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
