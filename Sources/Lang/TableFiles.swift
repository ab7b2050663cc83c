import Foundation

/// A table's records as files people load elsewhere (`export`): every column by its name,
/// every value exact.
///
/// - CSV (RFC 4180): a header row of the column names, then a row per record, CRLF line ends;
///   a field holding a comma, a quote or a line break is quoted, its quotes doubled. Numbers in
///   their shortest exact form; NaN as `nan`, infinities as `inf`/`-inf` (pandas and NumPy read
///   them back); a missing value as an empty field.
/// - JSON: an array of objects, one per record, keys in column order — `pandas.read_json`
///   reads it as a data frame, `json.load` as a list of dicts. NaN, infinities and missing
///   values are `null` (JSON has no NaN).
public enum TableFiles {
    public static func csv(_ t: Table) -> String {
        var out = t.columns.map { field($0.name) }.joined(separator: ",") + "\r\n"
        for record in t.records {
            out += t.columns.indices.map { c in c < record.count ? csvText(record[c].value) : "" }.joined(separator: ",") + "\r\n"
        }
        return out
    }

    public static func json(_ t: Table) -> String {
        let keys = t.columns.map { jsonString($0.name) + ": " }
        let objects = t.records.map { record in
            "  {" + t.columns.indices.map { c in keys[c] + jsonText(c < record.count ? record[c].value : .missing) }
                .joined(separator: ", ") + "}"
        }
        return objects.isEmpty ? "[]\n" : "[\n" + objects.joined(separator: ",\n") + "\n]\n"
    }

    /// A CSV field, quoted when it must be.
    static func field(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func csvText(_ d: Table.Datum) -> String {
        switch d {
        case .text(let s): return field(s)
        case .integer(let n): return "\(n)"
        case .number(let x): return ExactNumber.text(x)
        case .single(let x): return ExactNumber.text(x)
        case .flag(let b): return b ? "true" : "false"
        case .missing: return ""
        }
    }

    static func jsonText(_ d: Table.Datum) -> String {
        switch d {
        case .text(let s): return jsonString(s)
        case .integer(let n): return "\(n)"
        case .number(let x): return x.isFinite ? ExactNumber.text(x) : "null"
        case .single(let x): return x.isFinite ? ExactNumber.text(x) : "null"
        case .flag(let b): return b ? "true" : "false"
        case .missing: return "null"
        }
    }

    /// A JSON string literal, escaped by Foundation's encoder.
    static func jsonString(_ s: String) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        return (try? encoder.encode(s)).map { String(decoding: $0, as: UTF8.self) } ?? "\"\""
    }
}

/// Numbers as the shortest decimal text that reads back as the same value: whole numbers
/// without a point (up to 2^53 for a double, 2^24 for a float), else Swift's shortest
/// round-trip form (`0.1`, `1e-05`). `nan`, `inf`, `-inf` for the rest.
public enum ExactNumber {
    public static func text(_ x: Double) -> String {
        guard x.isFinite else { return x.isNaN ? "nan" : x < 0 ? "-inf" : "inf" }
        if x == x.rounded(), abs(x) <= 9_007_199_254_740_992 { return String(Int64(x)) }
        return x.description
    }

    public static func text(_ x: Float) -> String {
        guard x.isFinite else { return x.isNaN ? "nan" : x < 0 ? "-inf" : "inf" }
        if x == x.rounded(), abs(x) <= 16_777_216 { return String(Int64(x)) }
        return x.description
    }
}
