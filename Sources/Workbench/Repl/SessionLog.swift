import Foundation

/// What the session ran: each statement, whether it succeeded, and what it printed — for
/// `:history`, `:save` (only what succeeded, so the file replays cleanly) and `:export`.
struct SessionLog {
    struct Entry {
        let source: String
        let ok: Bool
        let output: String
    }

    private(set) var entries: [Entry] = []

    mutating func add(_ source: String, ok: Bool, output: String) {
        entries.append(Entry(source: source, ok: ok, output: output))
    }

    mutating func clear() { entries.removeAll() }

    var history: String {
        entries.enumerated().map { k, e in
            String(format: "%3d %@ ", k + 1, e.ok ? "✓" : "✗") + e.source.replacingOccurrences(of: "\n", with: "\n      ")
        }.joined(separator: "\n")
    }

    /// A replayable script: a header (date, version, seed), then the statements that succeeded.
    func script(seed: UInt64, version: String, date: Date = Date()) -> String {
        let stamp = ISO8601DateFormatter().string(from: date)
        var lines = ["# rec session saved \(stamp) by rec \(version)",
                     "# replay: rec run FILE (statements that failed are left out)",
                     "seed(\(seed))"]
        lines += entries.filter(\.ok).map(\.source)
        return lines.joined(separator: "\n") + "\n"
    }

    /// A self-contained HTML page: each statement and its output; histories' loss curves as SVG.
    func html(title: String, charts: [Int: String]) -> String {
        func escape(_ s: String) -> String {
            s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
        }
        var body = ""
        for (k, e) in entries.enumerated() {
            body += "<div class=\"cell\(e.ok ? "" : " failed")\"><pre class=\"in\"><span class=\"n\">[\(k + 1)]</span> \(escape(e.source))</pre>"
            if !e.output.isEmpty { body += "<pre class=\"out\">\(escape(e.output))</pre>" }
            if let svg = charts[k] { body += "<div class=\"chart\">\(svg)</div>" }
            body += "</div>\n"
        }
        return """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>\(escape(title))</title>
        <style>
        body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; color: #222; }
        h1 { font-size: 1.3rem; }
        .cell { margin: 0.8rem 0; }
        pre { margin: 0; padding: 0.5rem 0.8rem; white-space: pre-wrap; font-family: ui-monospace, monospace; font-size: 0.85rem; }
        pre.in { background: #f3f5f8; border-left: 3px solid #4a7bd0; }
        .failed pre.in { border-left-color: #c0392b; }
        pre.out { background: #fff; border-left: 3px solid #ddd; }
        .n { color: #888; }
        </style></head>
        <body><h1>\(escape(title))</h1>
        \(body)</body></html>

        """
    }
}

