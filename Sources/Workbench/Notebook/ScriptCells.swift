import Lang

/// A notebook cell as `rec convert` sees it: code, or Markdown (comment lines in a script).
struct NotebookCell: Equatable {
    enum Kind: Equatable { case code, markdown }
    let kind: Kind
    let source: String
}

/// Scripts ↔ cells. A script splits at `# %%` markers when it has any (`# %% [markdown]`
/// starts a Markdown cell), else at blank lines between statements (never inside one: the
/// reader says whether a statement is still open). A group of comment lines only is a
/// Markdown cell, its `# ` stripped. Back to a script, Markdown cells become comment lines,
/// cells are separated by a blank line, and markers are written only when the cells would
/// not come back the same without them.
enum ScriptCells {
    static func cells(fromScript text: String) -> [NotebookCell] {
        let lines = StatementReader.lines(of: text).map { String($0) }
        let groups = lines.contains(where: isMarker) ? markerGroups(lines) : blankLineGroups(lines)
        return groups.compactMap { cell($0.lines, markdown: $0.markdown) }
    }

    static func script(from cells: [NotebookCell]) -> String {
        let kept = cells.compactMap(normalized)
        let plain = render(kept, markers: false)
        return Self.cells(fromScript: plain) == kept ? plain : render(kept, markers: true)
    }

    private static func render(_ cells: [NotebookCell], markers: Bool) -> String {
        guard !cells.isEmpty else { return "" }
        return cells.map { c in
            let body = c.kind == .markdown ? commented(c.source) : c.source
            return markers ? (c.kind == .markdown ? "# %% [markdown]\n" : "# %%\n") + body : body
        }.joined(separator: "\n\n") + "\n"
    }

    static func isMarker(_ line: String) -> Bool {
        line.hasPrefix("# %%") || line.hasPrefix("#%%")
    }

    private static func markerGroups(_ lines: [String]) -> [(lines: [String], markdown: Bool)] {
        var groups: [(lines: [String], markdown: Bool)] = [([], false)]
        for line in lines {
            if isMarker(line) {
                groups.append(([], line.contains("[markdown]") || line.contains("[md]")))
            } else {
                groups[groups.count - 1].lines.append(line)
            }
        }
        return groups
    }

    private static func blankLineGroups(_ lines: [String]) -> [(lines: [String], markdown: Bool)] {
        var groups: [(lines: [String], markdown: Bool)] = [([], false)], reader = StatementReader(origin: "script")
        for line in lines {
            if isBlank(line) && !reader.isPending {
                if !groups[groups.count - 1].lines.isEmpty { groups.append(([], false)) }
                continue
            }
            groups[groups.count - 1].lines.append(line)
            _ = reader.feed(line)
        }
        return groups
    }

    /// A cell from a group's lines without the blank lines around them; nil when none are left.
    private static func cell(_ lines: [String], markdown: Bool) -> NotebookCell? {
        let body = lines.drop(while: isBlank).reversed().drop(while: isBlank).reversed()
        guard !body.isEmpty else { return nil }
        if markdown || body.allSatisfy(isComment) {
            return NotebookCell(kind: .markdown, source: body.map(uncommented).joined(separator: "\n"))
        }
        return NotebookCell(kind: .code, source: body.joined(separator: "\n"))
    }

    /// A notebook's cell as a script can carry it: without blank lines around it, none when
    /// empty, and Markdown when it is code made of comments only.
    private static func normalized(_ c: NotebookCell) -> NotebookCell? {
        let lines = StatementReader.lines(of: c.source).map { String($0) }
        let body = lines.drop(while: isBlank).reversed().drop(while: isBlank).reversed()
        guard !body.isEmpty else { return nil }
        if c.kind == .markdown { return NotebookCell(kind: .markdown, source: body.joined(separator: "\n")) }
        return cell(Array(body), markdown: false)
    }

    static func isBlank(_ line: String) -> Bool { line.allSatisfy { $0 == " " || $0 == "\t" || $0 == "\r" } }

    static func isComment(_ line: String) -> Bool { line.drop { $0 == " " || $0 == "\t" }.hasPrefix("#") }

    /// `# text` → `text`; `#` → an empty line. Lines of a Markdown cell that are not comments stay as they are.
    static func uncommented(_ line: String) -> String {
        let t = line.drop { $0 == " " || $0 == "\t" }
        guard t.hasPrefix("#") else { return line }
        let rest = t.dropFirst()
        return String(rest.hasPrefix(" ") ? rest.dropFirst() : rest)
    }

    static func commented(_ text: String) -> String {
        StatementReader.lines(of: text).map { $0.isEmpty ? "#" : "# " + $0 }.joined(separator: "\n")
    }
}
