import Foundation
import Lang

/// Renders one cell's session outputs as IOPub messages: notes as stdout, warnings as
/// stderr, errors as `error` with the caret text, progress as one display updated in place,
/// and values as rich displays (tables as HTML, charts as SVG, beside the plain text). The
/// cell's last output, when it is a value, is its `execute_result`.
final class ExecuteRenderer {
    let parent: Message
    let executionCount: Int
    let silent: Bool
    let wire: Wire
    let publish: (Message) -> Void
    /// The first error the cell reported: what the `execute_reply` carries.
    private(set) var error: (name: String, value: String, traceback: [String])?
    private var pendingValue: JSON?
    private var progressID: String?
    private var lastProgress = Date.distantPast

    init(parent: Message, executionCount: Int, silent: Bool, wire: Wire, publish: @escaping (Message) -> Void) {
        self.parent = parent
        self.executionCount = executionCount
        self.silent = silent
        self.wire = wire
        self.publish = publish
    }

    func render(_ o: Output) {
        if case .progress(let p) = o { return progress(p) }
        flushValue(asResult: false)
        switch o {
        case .value(let v): pendingValue = Self.mimeBundle(v)
        case .note(let line): stream("stdout", line)
        case .warning: stream("stderr", o.plainText ?? "")
        case .error(let e, _): fail(name: e.kind.rawValue, value: e.message, text: o.plainText ?? e.description)
        case .progress: break
        }
    }

    /// Ends the cell: the last value becomes the result, and the progress line is cleared.
    func finish() {
        flushValue(asResult: true)
        if let id = progressID {
            send("update_display_data", ["data": ["text/plain": ""], "metadata": [:], "transient": ["display_id": .string(id)]])
        }
    }

    /// Reports an error that no session output carried (an interrupted statement that kept its value).
    func fail(name: String, value: String, text: String) {
        guard error == nil else { return }
        let traceback = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        error = (name, value, traceback)
        send("error", ["ename": .string(name), "evalue": .string(value), "traceback": .array(traceback.map { .string($0) })])
    }

    /// Plain text shown as a display (the `?name` help).
    func show(_ text: String) {
        flushValue(asResult: false)
        send("display_data", ["data": ["text/plain": .string(text)], "metadata": [:]])
    }

    private func stream(_ name: String, _ text: String) {
        send("stream", ["name": .string(name), "text": .string(text + "\n")])
    }

    private func flushValue(asResult: Bool) {
        guard let data = pendingValue else { return }
        pendingValue = nil
        if asResult {
            send("execute_result", ["data": data, "metadata": [:], "execution_count": .int(executionCount)])
        } else {
            send("display_data", ["data": data, "metadata": [:]])
        }
    }

    /// One display per cell, updated at most ~6 times a second (a fit reports every few batches).
    private func progress(_ p: ProgressReport) {
        let now = Date()
        guard now.timeIntervalSince(lastProgress) >= 0.15 else { return }
        lastProgress = now
        var html = ""
        if let f = p.fraction { html = "<progress value=\"\(String(format: "%.3f", f))\" max=\"1\"></progress> " }
        let data: JSON = ["text/plain": .string(Self.bar(p)), "text/html": .string(html + "<code>" + HTMLTable.escape(p.text) + "</code>")]
        if let id = progressID {
            send("update_display_data", ["data": data, "metadata": [:], "transient": ["display_id": .string(id)]])
        } else {
            let id = UUID().uuidString.lowercased()
            progressID = id
            send("display_data", ["data": data, "metadata": [:], "transient": ["display_id": .string(id)]])
        }
    }

    static func bar(_ p: ProgressReport) -> String {
        guard let f = p.fraction else { return p.text }
        let width = 24, filled = max(0, min(width, Int((f * Double(width)).rounded())))
        return "[" + String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled) + "] " + p.text
    }

    /// A value's MIME bundle: its text, and its table as HTML and its chart as SVG when it has them.
    static func mimeBundle(_ v: Value) -> JSON? {
        var data: [String: JSON] = [:]
        if !v.display.isEmpty { data["text/plain"] = .string(v.display) }
        if case .object(let o) = v {
            if let t = o.table { data["text/html"] = .string(HTMLTable.render(t)) }
            if let c = o.chart { data["image/svg+xml"] = .string(SVGChart.render(c)) }
        }
        return data.isEmpty ? nil : .object(data)
    }

    /// A silent execution publishes nothing (its reply still tells how it went).
    private func send(_ type: String, _ content: JSON) {
        guard !silent else { return }
        publish(wire.broadcast(type, content, parent: parent))
    }
}

/// Tables as HTML for notebooks.
enum HTMLTable {
    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    static func render(_ t: Table) -> String {
        func cells(_ row: [String], _ tag: String) -> String {
            t.header.indices.map { c in
                let align = t.alignments[c] == .right ? "right" : "left"
                return "<\(tag) style=\"text-align: \(align)\">" + escape(c < row.count ? row[c] : "") + "</\(tag)>"
            }.joined()
        }
        let body = t.rows.map { "<tr>" + cells($0, "td") + "</tr>" }.joined(separator: "\n")
        return "<table>\n<thead><tr>" + cells(t.header, "th") + "</tr></thead>\n<tbody>\n" + body + "\n</tbody>\n</table>"
    }
}
