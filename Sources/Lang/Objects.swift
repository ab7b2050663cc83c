import Foundation
import Model

/// A tensor of the language: a node of the autodiff tape (a constant or a parameter), and,
/// for content matrices made from plots, how to encode a new plot the same way.
final class TensorObject: LangObject {
    static let typeName = "tensor"
    let variable: Variable
    var encoder: ((String) throws -> Tensor)?
    /// For TF-IDF-averaged word vectors: the averaging weights, the word vectors and the text
    /// encoder, so that `content(…, finetune: true)` can fine-tune the word vectors themselves.
    var weightedWords: (weights: SparseMatrix, words: Tensor, text: TextEncoder, found: [Bool])?
    /// For paragraph vectors: the model that infers new rows and the tokenizer it reads text
    /// with, so that `save(pv, "….pv")` can keep them with the matrix.
    var paragraphVectors: (model: ParagraphVectors, tokenizer: Tokenizer)?

    init(_ variable: Variable, encoder: ((String) throws -> Tensor)? = nil) {
        self.variable = variable
        self.encoder = encoder
    }

    var tensor: Tensor { variable.value }

    var display: String {
        let t = tensor
        let kind = variable.requiresGrad ? (variable.isLeaf ? "param " : "tensor (grad) ") : "tensor "
        return kind + "\(t.shape)\n" + TensorFormat.values(t)
    }

    var summary: String { (variable.requiresGrad && variable.isLeaf ? "param " : "tensor ") + "\(tensor.shape)" }
}

enum TensorFormat {
    static func number(_ v: Float) -> String {
        if v.isNaN { return "nan" }  // printf gives "-nan" for 0/0's sign bit
        if v == v.rounded() && abs(v) < 1e7 { return String(Int(v)) }
        return String(format: "%.4g", Double(v))
    }

    /// Values nested as the axes are (numpy's layout), at most 6 entries of an axis and 8 of
    /// a row shown: the first and last 3 (or 4), the rest elided with …
    static func values(_ t: Tensor) -> String {
        t.rank == 0 ? number(t[flat: 0]) : block(t, dims: t.shape.dims[...], start: 0, depth: 0)
    }

    /// The entries of the axes `dims` from flat index `start`, `depth` brackets in.
    static func block(_ t: Tensor, dims: ArraySlice<Int>, start: Int, depth: Int) -> String {
        guard let n = dims.first else { return "" }
        if dims.count == 1 { return row(t, start: start, count: n) }
        let inner = dims.dropFirst(), size = inner.reduce(1, *)
        var parts: [String] = []
        for i in 0..<n where n <= 6 || i < 3 || i >= n - 3 {
            if n > 6 && i == n - 3 { parts.append("…") }
            parts.append(block(t, dims: inner, start: start + i * size, depth: depth + 1))
        }
        // Deeper axes part with blank lines, as numpy prints them.
        let separator = "," + String(repeating: "\n", count: dims.count - 1) + String(repeating: " ", count: depth + 1)
        return "[" + parts.joined(separator: separator) + "]"
    }

    static func row(_ t: Tensor, start: Int, count: Int) -> String {
        var cells = (0..<Swift.min(count, 8)).map { number(t[flat: start + $0]) }
        if count > 8 { cells = Array(cells.prefix(4)) + ["…"] + (count - 4..<count).map { number(t[flat: start + $0]) } }
        return "[" + cells.joined(separator: ", ") + "]"
    }
}

final class DatasetObject: LangObject {
    static let typeName = "dataset"
    let data: MovieLens
    init(_ data: MovieLens) { self.data = data }
    var display: String { data.description }
}

/// `ml.items` / `ml.users`: an id axis and its size (what `embedding` indexes).
final class AxisObject: LangObject {
    static let typeName = "axis"
    let axis: Axis
    let count: Int
    let data: MovieLens?
    init(_ axis: Axis, _ count: Int, _ data: MovieLens?) { self.axis = axis; self.count = count; self.data = data }
    var display: String { "\(count) \(axis.rawValue)" }
}

/// `ml.plots`: the plot text of each item (missing for some).
final class PlotsObject: LangObject {
    static let typeName = "plots"
    let data: MovieLens
    init(_ data: MovieLens) { self.data = data }
    var texts: [String?] { data.plots }
    var display: String {
        let first = data.plots.firstIndex { $0 != nil }.map { "\n\(data.titles[$0]): \(data.plots[$0]!.prefix(100))…" } ?? ""
        return "plots of \(data.itemsWithPlots) of \(data.items.count) items" + first
    }
}

final class EventsObject: LangObject {
    static let typeName = "events"
    let events: Events
    let name: String
    /// How many users and items the ids range over.
    let users: Int, items: Int
    /// The dataset the ids index, when known (what names users and items in `recommend`).
    private(set) var data: MovieLens?
    convenience init(_ events: Events, _ name: String, _ data: MovieLens) {
        self.init(events, name, users: data.users.count, items: data.items.count)
        self.data = data
    }
    init(_ events: Events, _ name: String, users: Int, items: Int) {
        self.events = events
        self.name = name
        self.users = users
        self.items = items
    }
    var display: String {
        "\(name): \(events.count) events, \(Set(events.items).count) items, \(Set(events.users).count) users"
    }
}

final class SplitObject: LangObject {
    static let typeName = "split"
    let split: Split
    let data: MovieLens
    init(_ split: Split, _ data: MovieLens) { self.split = split; self.data = data }
    var display: String { split.description }
}

/// A vocabulary with the tokenizer that made it and the TF-IDF built on it (if any).
final class VocabularyObject: LangObject {
    static let typeName = "vocabulary"
    let vocabulary: Vocabulary
    let tokenizer: Tokenizer
    init(_ v: Vocabulary, _ t: Tokenizer) { vocabulary = v; tokenizer = t }
    var display: String { vocabulary.description }
}

final class VectorsObject: LangObject {
    static let typeName = "wordvectors"
    let vectors: WordVectors
    init(_ v: WordVectors) { vectors = v }
    var display: String { vectors.description }
}

/// A model node: the item side, the user side, or a part of one.
final class TowerObject: LangObject {
    static let typeName = "node"
    let tower: any Tower
    /// The dataset whose ids the node indexes, when known (from an embedding's axis).
    let data: MovieLens?
    init(_ t: any Tower, data: MovieLens?) { tower = t; self.data = data }
    var display: String {
        let lines = tower.nodes.map { "  " + $0.description }
        return "\(tower.axis.rawValue) side [\(tower.width)], \(tower.parameterCount) parameters\n" + lines.joined(separator: "\n")
    }
    var summary: String { "\(tower.axis.rawValue) side [\(tower.width)], \(tower.parameterCount) parameters" }
}

final class ScoreObject: LangObject {
    static let typeName = "score"
    let model: ScoreModel
    let data: MovieLens?
    /// The events it was last fitted on (evaluation excludes them; recommendations explain with them).
    var train: Events?
    /// The optimizer it was last fitted with (its state goes into checkpoints).
    var optimizer: (any Optimizer)?
    /// How to fit it again, with the choices made, on other events (set by `sweep`; see `refit`).
    var refit: Refit?
    init(_ m: ScoreModel, data: MovieLens?) { model = m; self.data = data }
    var display: String { model.description }
}

/// `sample(score, negatives: K)`: the batch's positive and negative scores, for a loss by hand
/// (all users as negatives only inside `wmse`).
final class SampleObject: LangObject {
    static let typeName = "sample"
    let score: ScoreObject
    let negatives: Objective.Negatives
    let sampler: Objective.Sampler
    /// K drawn for each positive rather than K per batch.
    let perPositive: Bool
    init(_ s: ScoreObject, _ n: Objective.Negatives, _ sampler: Objective.Sampler, perPositive: Bool = false) {
        score = s; negatives = n; self.sampler = sampler; self.perPositive = perPositive
    }
    /// K, the users drawn per batch or per positive (0 over all users).
    var sampled: Int { if case .sampled(let k) = negatives { return k } else { return 0 } }
    /// "8 negative users per batch" or "all users".
    var users: String { negatives.isAllUsers ? "all users" : "\(sampled) negative users per \(perPositive ? "positive" : "batch")" }
    var over: String { "over " + users }
    var display: String { "sample of \(users): .pos [B], .neg [B, \(sampled)]" }
}

/// A loss (or a part of one) over a sample's scores.
final class LossObject: LangObject {
    static let typeName = "loss"
    let expression: LossExpression
    let sample: SampleObject
    init(_ e: LossExpression, _ s: SampleObject) { expression = e; sample = s }
    /// A single value per batch is a loss; anything else (`s.neg`, `s.neg - s.pos`) is still
    /// the sample's scores, a step towards one.
    var display: String {
        guard let dims = scoreDims else { return "loss \(expression) \(sample.over)" }
        return "sample scores \(expression) \(dims) \(sample.over) (a loss takes mean(…) of them)"
    }

    /// "[B]" or "[B, K]" when this is a sample's scores rather than a loss (one value a batch).
    var scoreDims: String? {
        guard let shape = try? expression.batchShape(negatives: sample.negatives), shape.count != 1 else { return nil }
        return shape.dims.count == 1 ? "[B]" : "[B, \(sample.sampled)]"
    }
}

final class OptimizerObject: LangObject {
    static let typeName = "optimizer"
    let optimizer: any Optimizer
    init(_ o: any Optimizer) { optimizer = o }
    var display: String { optimizer.description }
}

final class HistoryObject: LangObject {
    static let typeName = "history"
    let history: History
    /// The score model the training fitted (a participant's `model = fit(…)` is its history).
    let score: ScoreObject?
    init(_ h: History, score: ScoreObject? = nil) { history = h; self.score = score }
    var display: String {
        var lines = [summary]
        for r in history.epochs {
            var l = String(format: "epoch %2d  loss %.4f", r.epoch, r.loss) + Self.parts(r)
            if let v = r.validation { l += String(format: "  valid ndcg %.4f  recall %.4f", v.ndcg, v.recall) }
            lines.append(l)
        }
        return lines.joined(separator: "\n")
    }
    var summary: String { Sparkline.summary(history) }
    var chart: Chart? { Self.chart(of: history) }

    /// " = preference 0.6012 + 0.5 × word prediction 2.1034" when the loss has auxiliary parts.
    static func parts(_ r: EpochRecord) -> String {
        guard r.hasAuxiliaryParts else { return "" }
        return " = " + r.parts.map { p in
            (p.weight.map { Value.format($0) + " × " } ?? "") + p.name + String(format: " %.4f", p.loss)
        }.joined(separator: " + ")
    }

    /// The loss per epoch (and its parts, when it has auxiliary ones), and the validation
    /// NDCG on a right axis when there is one.
    static func chart(of h: History) -> Chart {
        var series = [Chart.Series(name: "training loss", points: h.epochs.map { Chart.Point(Double($0.epoch), $0.loss) })]
        if h.epochs.contains(where: \.hasAuxiliaryParts) {
            for name in h.partNames {
                let points = h.epochs.compactMap { r in r.parts.first { $0.name == name }.map { Chart.Point(Double(r.epoch), $0.loss) } }
                series.append(Chart.Series(name: name + " loss", points: points))
            }
        }
        let valid = h.epochs.compactMap { r in r.validation.map { Chart.Point(Double(r.epoch), $0.ndcg) } }
        if !valid.isEmpty { series.append(Chart.Series(name: "validation ndcg", points: valid, axis: .right)) }
        return Chart(title: "training history", xLabel: "epoch", yLabel: "loss",
                     rightLabel: valid.isEmpty ? nil : "validation ndcg", series: series)
    }
}

final class EvaluationObject: LangObject {
    static let typeName = "evaluation"
    let evaluation: Evaluation
    let name: String
    init(_ e: Evaluation, name: String) { evaluation = e; self.name = name }
    var display: String { evaluation.all.items == 0 ? "evaluation of \(name): no items were ranked" : MetricsTable.render([(name, evaluation)]) }

    /// A part's metrics; an error when the part has no items (its figures would read as 0).
    func measured(_ part: KeyPath<Evaluation, RankingMetrics>, _ what: String) throws -> RankingMetrics {
        let m = evaluation[keyPath: part]
        guard m.items > 0 else {
            throw LangError(.runtime, "this evaluation has no \(what): there is no figure to read",
                            nil, hint: part == \Evaluation.all ? nil : "its rows: " + MetricsTable.parts(evaluation).map(\.0).joined(separator: ", "))
        }
        return m
    }
    var table: Table? { MetricsTable.table([(name, evaluation)]) }
    var summary: String { String(format: "evaluation: ndcg@%d %.4f", evaluation.k, evaluation.all.ndcg) }
}

/// A baseline scorer (popularity, random, content kNN), evaluated like a model.
final class BaselineObject: LangObject {
    static let typeName = "baseline"
    let name: String
    let scorer: any UserScorer
    let train: Events
    /// How to fit it again, with the same settings and choices, on other events (see `refit`).
    let refit: Refit?
    /// The dataset its ids index, when known: `recommend` names users and items with it.
    var data: MovieLens?
    init(_ n: String, _ s: any UserScorer, train: Events, data: MovieLens? = nil, refit: Refit? = nil) {
        name = n; scorer = s; self.train = train; self.refit = refit; self.data = data
    }
    var display: String { "baseline \(name)" }
}

final class ComparisonObject: LangObject {
    static let typeName = "table"
    let rows: [(String, Evaluation)]
    init(_ r: [(String, Evaluation)]) { rows = r }
    var display: String { MetricsTable.render(rows) }
    var table: Table? { MetricsTable.table(rows) }
    var summary: String {
        guard let k = rows.first?.1.k else { return "comparison of nothing" }
        return "comparison, ndcg@\(k): " + rows.map { "\($0.0) " + String(format: "%.4f", $0.1.all.ndcg) }.joined(separator: ", ")
    }
}

final class RecommendationsObject: LangObject {
    static let typeName = "recommendations"
    let items: [Recommendation]
    let data: MovieLens
    let title: String
    init(_ r: [Recommendation], _ d: MovieLens, _ t: String) { items = r; data = d; title = t }
    var display: String {
        var lines = ["top \(items.count) users for \(title)"]
        for (k, r) in items.enumerated() {
            let why = r.because.map { data.titles[Int($0)] }.joined(separator: "; ")
            lines.append(String(format: "%2d. user %-6d score %7.3f", k + 1, data.users.ids[Int(r.user)], Double(r.score))
                         + (why.isEmpty ? "" : "  liked: \(why)"))
        }
        return lines.joined(separator: "\n")
    }
}

/// Text printed as it is (help).
final class TextObject: LangObject {
    static let typeName = "text"
    let text: String
    init(_ t: String) { text = t }
    var display: String { text }
}

/// The session's variables (`vars()`, `:vars`): a row per name, with its type and summary.
public final class VariablesObject: LangObject {
    public static let typeName = "table"
    let contents: Table

    /// All the session's variables, or those named (in the order given).
    public init(_ s: Session, only names: [String]? = nil) {
        let rows = (names ?? s.variables.keys.sorted()).map { name -> [Table.Cell] in
            let v = s.variables[name] ?? .none
            return [.text(name), .text(v.typeName), .text(v.summary)]
        }
        contents = Table(columns: [Table.Column("name", title: "name", .left), Table.Column("type", title: "type", .left),
                                   Table.Column("value", title: "value", .left)], records: rows)
    }

    public var table: Table? { contents.records.isEmpty ? nil : contents }
    public var records: Table? { contents }
    public var display: String { contents.records.isEmpty ? "(no variables)" : contents.text }
}

/// Metric tables: a row per model and part (all, warm, cold), the model named once above its
/// parts; k is in the metric titles, and a column of its own in exports.
enum MetricsTable {
    static func table(_ rows: [(String, Evaluation)]) -> Table? {
        guard let k = rows.first?.1.k else { return nil }
        let columns = [Table.Column("model", title: "", .left), Table.Column("part", title: "part", .left), .hidden("k"),
                       Table.Column("items", title: "items"), Table.Column("recall", title: "recall@\(k)"),
                       Table.Column("ndcg", title: "ndcg@\(k)"), Table.Column("mrr", title: "mrr"), Table.Column("auc", title: "auc")]
        var records: [[Table.Cell]] = []
        for (name, e) in rows {
            for (part, m) in parts(e) {
                records.append([.text(name), .text(part), .integer(e.k), .integer(m.items)]
                               + [m.recall, m.ndcg, m.mrr, m.auc].map { .number($0) })
            }
        }
        return Table(columns: columns, records: records, grouped: 1)
    }

    static func render(_ rows: [(String, Evaluation)]) -> String { table(rows)?.text ?? "" }

    /// The parts that have items, with their metrics (the rows a table shows).
    static func parts(_ e: Evaluation) -> [(String, RankingMetrics)] {
        [("all", e.all), ("warm", e.warm), ("cold", e.cold)].filter { $0.1.items > 0 }
    }

    /// A part's metrics by its name in the language ("warm", "cold", else all items).
    static func part(_ name: String) -> KeyPath<Evaluation, RankingMetrics> {
        name == "warm" ? \.warm : name == "cold" ? \.cold : \.all
    }
}
