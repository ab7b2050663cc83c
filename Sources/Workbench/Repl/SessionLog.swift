import Foundation
import Lang

/// What the session ran: each chunk of input, how it ended, and what it output — for
/// `:history`, `:save` (a script that replays) and `:export` (a page).
struct SessionLog {
    struct Entry {
        enum Status { case ok, failed, interrupted }
        let source: String
        var status: Status
        let outputs: [Output]
        /// Charts of the values it computed or bound (a history's curves).
        let charts: [Chart]
    }

    /// When and how the session ran, shown at the top of `:export`.
    struct Metadata {
        let version: String, seed: UInt64, data: String, threads: Int, date: Date
    }

    private(set) var entries: [Entry] = []

    mutating func add(_ source: String, status: Entry.Status, outputs: [Output], charts: [Chart]) {
        entries.append(Entry(source: source, status: status, outputs: outputs, charts: charts))
    }

    mutating func clear() { entries.removeAll() }

    /// Entry `k` failed when it was replayed: it is left out of `:save` as failed statements are.
    mutating func markFailed(_ k: Int) { entries[k].status = .failed }

    /// Keeps the first `count` entries (`b` in instructor mode undoes the rest).
    mutating func truncate(to count: Int) { entries.removeLast(Swift.max(0, entries.count - count)) }

    var history: String {
        entries.enumerated().map { k, e in
            let mark = e.status == .ok ? "✓" : e.status == .failed ? "✗" : "!"
            return String(format: "%3d %@ ", k + 1, mark) + e.source.replacingOccurrences(of: "\n", with: "\n      ")
        }.joined(separator: "\n")
    }

    /// A replayable script: a header (date, version, seed), then the statements that ran.
    /// Failed ones are left out (they bound nothing). Interrupted ones are kept, marked with a
    /// comment, because later statements may use what they bound; a replay runs them in full.
    /// Returns the script and how many statements it marked.
    /// The header sets the seed (unless the first statement does) and the threads the session
    /// trained on when not one (two threads sum in another order: other figures).
    func script(seed: UInt64, threads: Int = 1, version: String, date: Date = Date()) -> (String, Int) {
        let stamp = ISO8601DateFormatter().string(from: date)
        let kept = entries.filter { $0.status != .failed }
        var lines = ["# rec session saved \(stamp) by rec \(version)",
                     "# replay: rec run FILE (statements that failed are left out)"]
        if !(kept.first?.source.hasPrefix("seed(") ?? false) { lines.append("seed(\(seed))") }
        if threads != 1 { lines.append("threads(\(threads))") }
        var marked = 0
        for e in kept {
            if e.status == .interrupted {
                lines.append("# interrupted with Ctrl-C in the session (what it had done was kept); this replay runs it in full")
                marked += 1
            }
            lines.append(e.source)
        }
        return (lines.joined(separator: "\n") + "\n", marked)
    }

    /// A self-contained HTML page: when and how it ran, then each statement with its outputs
    /// (epoch lines included) and its charts as SVG.
    func html(title: String, metadata m: Metadata) -> String {
        let stamp = ISO8601DateFormatter().string(from: m.date)
        var body = "<table class=\"meta\">" + [("rec", m.version), ("seed", "\(m.seed)"), ("data", m.data),
                                                ("BLAS threads", "\(m.threads)"), ("exported", stamp)]
            .map { "<tr><th>\($0.0)</th><td>\(HTML.escape($0.1))</td></tr>" }.joined() + "</table>\n"
        for (k, e) in entries.enumerated() {
            body += "<div class=\"cell\(e.status == .failed ? " failed" : "")\"><pre class=\"in\"><span class=\"n\">[\(k + 1)]</span> \(HTML.escape(e.source))</pre>"
            let text = e.outputs.compactMap(\.plainText).joined(separator: "\n")
            if !text.isEmpty { body += "<pre class=\"out\">\(HTML.escape(text))</pre>" }
            for chart in e.charts { body += "<div class=\"chart\">\(SVGChart.render(chart))</div>" }
            body += "</div>\n"
        }
        return HTML.page(title: title, body: body)
    }
}

enum HTML {
    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }

    static func page(title: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><meta name="generator" content="rec"><title>\(escape(title))</title>
        <style>
        body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; color: #222; }
        h1 { font-size: 1.3rem; }
        .cell { margin: 0.8rem 0; }
        pre { margin: 0; padding: 0.5rem 0.8rem; white-space: pre-wrap; font-family: ui-monospace, monospace; font-size: 0.85rem; }
        pre.in { background: #f3f5f8; border-left: 3px solid #4a7bd0; }
        .failed pre.in { border-left-color: #c0392b; }
        pre.out { background: #fff; border-left: 3px solid #ddd; }
        .n { color: #888; }
        table.meta { font-size: 0.8rem; color: #555; border-collapse: collapse; margin-bottom: 1rem; }
        table.meta th { text-align: left; padding-right: 1rem; font-weight: 600; }
        </style></head>
        <body><h1>\(escape(title))</h1>
        \(body)</body></html>

        """
    }
}
