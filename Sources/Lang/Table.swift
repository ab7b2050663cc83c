/// A table of records — evaluate, compare, sweep, vars, and (for export) histories and
/// recommendations: named columns and a row per record, each cell an exact value beside the
/// text shown for it. One model for every rendering: the console aligns the text (`text`),
/// the notebook draws HTML from the same shown cells, and `export` writes the exact values as
/// CSV or JSON (`TableFiles`).
public struct Table: Sendable {
    public enum Alignment: Sendable { case left, right }

    /// A cell's exact value: what export writes.
    public enum Datum: Sendable, Equatable {
        case text(String)
        case integer(Int)
        case number(Double)
        /// A float32 from a tensor: written as the shortest decimal that reads back as it.
        case single(Float)
        case flag(Bool)
        case missing
    }

    public struct Cell: Sendable {
        public let value: Datum
        /// What the console and the notebook show.
        public let text: String

        public init(_ value: Datum, shown text: String) {
            self.value = value
            self.text = text
        }

        public static func text(_ s: String) -> Cell { Cell(.text(s), shown: s) }
        public static func integer(_ n: Int) -> Cell { Cell(.integer(n), shown: "\(n)") }
        /// A number shown with `decimals` digits after the point.
        public static func number(_ x: Double, decimals: Int = 4) -> Cell {
            Cell(.number(x), shown: x.isFinite ? String(format: "%.\(decimals)f", x) : Value.format(x))
        }
        public static func missing(shown: String = "") -> Cell { Cell(.missing, shown: shown) }
    }

    public struct Column: Sendable {
        /// The key in CSV and JSON: a plain identifier.
        public let name: String
        /// The header shown; nil: the column is exported but not shown (a table's k, once in its headers).
        public let title: String?
        public let alignment: Alignment

        public init(_ name: String, title: String? = nil, _ alignment: Alignment = .right) {
            self.name = name
            self.title = title
            self.alignment = alignment
        }

        public static func hidden(_ name: String) -> Column { Column(name, title: nil) }
    }

    public let columns: [Column]
    public let records: [[Cell]]
    /// How many leading shown columns show a value only where it changes (a model's name once
    /// above its parts); export repeats it in every record.
    public let grouped: Int

    /// Column names are made unique (a second `epochs` becomes `epochs_2`): they are keys.
    public init(columns: [Column], records: [[Cell]], grouped: Int = 0) {
        var seen: Set<String> = []
        self.columns = columns.map { c in
            var name = c.name, k = 2
            while seen.contains(name) { name = "\(c.name)_\(k)"; k += 1 }
            seen.insert(name)
            return Column(name, title: c.title, c.alignment)
        }
        self.records = records
        self.grouped = grouped
    }

    /// Columns shown with a title: the header the console and the notebook draw.
    var shownColumns: [Int] { columns.indices.filter { columns[$0].title != nil } }
    public var header: [String] { shownColumns.map { columns[$0].title ?? "" } }
    public var alignments: [Alignment] { shownColumns.map { columns[$0].alignment } }

    /// The shown cells' text, a grouped value blank where it repeats the row above.
    public var rows: [[String]] {
        let shown = shownColumns
        return records.indices.map { r in
            shown.enumerated().map { position, c in
                let text = c < records[r].count ? records[r][c].text : ""
                let repeated = position < grouped && r > 0 && c < records[r - 1].count
                    && records[r - 1][c].value == records[r][c].value
                return repeated ? "" : text
            }
        }
    }

    /// Columns padded to their widest cell, two spaces apart.
    public var text: String {
        let header = self.header, alignments = self.alignments
        let all = [header] + rows
        let widths = header.indices.map { c in all.map { $0[c].count }.max() ?? 0 }
        return all.map { row in
            header.indices.map { c -> String in
                let pad = String(repeating: " ", count: widths[c] - row[c].count)
                return alignments[c] == .left ? row[c] + pad : pad + row[c]
            }.joined(separator: "  ").trimmingSuffix(while: \.isWhitespace)
        }.joined(separator: "\n")
    }
}

extension String {
    /// The string without trailing characters that match (a padded last column's spaces).
    func trimmingSuffix(while matches: (Character) -> Bool) -> String {
        var end = endIndex
        while end > startIndex, matches(self[index(before: end)]) { end = index(before: end) }
        return String(self[..<end])
    }
}
