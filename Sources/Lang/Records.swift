import Model

/// Records of results that show as text or charts rather than tables: what `export` writes
/// for a training history and for recommendations.
extension HistoryObject {
    /// A row per epoch: its mean loss (and its parts when it has an auxiliary one, as
    /// `preference_loss`, `word_prediction_loss`), the validation metrics at k when there was
    /// validation, its seconds, and the epoch of the best validation figure (whose parameters
    /// the model keeps under early stopping; without patience it keeps the last epoch's).
    var records: Table? {
        let h = history
        let validated = h.epochs.contains { $0.validation != nil }
        let parts = h.epochs.contains(where: \.hasAuxiliaryParts) ? h.partNames : []
        var columns = ["epoch", "loss"] + parts.map { $0.replacingOccurrences(of: " ", with: "_") + "_loss" }
        if validated { columns += (h.validationK == nil ? [] : ["k"]) + ["valid_recall", "valid_ndcg", "valid_mrr", "valid_auc"] }
        columns += ["seconds"] + (h.bestEpoch == nil ? [] : ["best"])
        let rows = h.epochs.map { r -> [Table.Cell] in
            var cells: [Table.Cell] = [.integer(r.epoch), .number(r.loss)]
            for name in parts { cells.append(r.parts.first { $0.name == name }.map { .number($0.loss) } ?? .missing()) }
            if validated {
                if let k = h.validationK { cells.append(.integer(k)) }
                let metrics = r.validation.map { [$0.recall, $0.ndcg, $0.mrr, $0.auc] }
                cells += metrics.map { $0.map { Table.Cell.number($0) } } ?? Array(repeating: .missing(), count: 4)
            }
            cells.append(.number(r.seconds, decimals: 2))
            if let best = h.bestEpoch { cells.append(Table.Cell(.flag(r.epoch == best), shown: r.epoch == best ? "★" : "")) }
            return cells
        }
        return Table(columns: columns.map { Table.Column($0, title: $0) }, records: rows)
    }
}

extension RecommendationsObject {
    /// A row per recommended user, best first: the query, the rank, the user's original id,
    /// the score, and the liked movies closest to the query ("; " between titles).
    var records: Table? {
        let columns = [Table.Column("query", title: "for", .left), Table.Column("rank", title: "#"), Table.Column("user", title: "user"),
                       Table.Column("score", title: "score"), Table.Column("liked", title: "liked", .left)]
        let rows = items.enumerated().map { k, r -> [Table.Cell] in
            [.text(title), .integer(k + 1), .integer(data.users.ids[Int(r.user)]),
             Table.Cell(.single(r.score), shown: String(format: "%.3f", Double(r.score))),
             .text(r.because.map { data.titles[Int($0)] }.joined(separator: "; "))]
        }
        return Table(columns: columns, records: rows, grouped: 1)
    }
}

extension SweepObject {
    /// A row per finished trial: its settings, the epochs it kept, validation NDCG@k on all,
    /// warm and cold items, the figure it was selected on, its seconds, and the best one marked.
    var table: Table? {
        let settings = names.map { Table.Column($0, title: $0) }
        let columns = [Table.Column("trial", title: "#"), .hidden("k")] + settings
            + [Table.Column("epochs_kept", title: "epochs"), Table.Column("ndcg_all", title: "all"), Table.Column("ndcg_warm", title: "warm"),
               Table.Column("ndcg_cold", title: "cold"), Table.Column("selected", title: "selected"), Table.Column("seconds", title: "s"),
               Table.Column("best", title: "", .left)]
        let rows = trials.enumerated().map { i, t -> [Table.Cell] in
            let parts = [t.evaluation.all, t.evaluation.warm, t.evaluation.cold].map { m -> Table.Cell in
                m.items > 0 ? .number(m.ndcg) : .missing(shown: "–")
            }
            return [.integer(i + 1), .integer(k)] + t.settings.map { Self.cell($0.value) } + [.integer(t.epochs)] + parts
                + [.number(t.selected), .number(t.seconds, decimals: 1), Table.Cell(.flag(i == best), shown: i == best ? "★" : "")]
        }
        return Table(columns: columns, records: rows)
    }

    static func cell(_ v: Value) -> Table.Cell {
        switch v {
        case .number(let x): Table.Cell(.number(x), shown: v.display)
        case .string(let s): Table.Cell(.text(s), shown: v.display)
        case .bool(let b): Table.Cell(.flag(b), shown: v.display)
        default: .text(v.display)
        }
    }
}
