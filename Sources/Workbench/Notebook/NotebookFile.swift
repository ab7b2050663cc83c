import Foundation

/// Notebooks (nbformat 4) as cells: written with the `rec` kernelspec and no outputs, read
/// from any nbformat 4 notebook (outputs and raw cells are left out; raw cells become Markdown).
enum NotebookFile {
    static func json(_ cells: [NotebookCell]) -> JSON {
        let list: [JSON] = cells.enumerated().map { k, c in
            var cell: [String: JSON] = ["cell_type": c.kind == .code ? "code" : "markdown", "id": .string("cell-\(k + 1)"),
                                        "metadata": [:], "source": .array(sourceLines(c.source).map { .string($0) })]
            if c.kind == .code {
                cell["execution_count"] = .null
                cell["outputs"] = []
            }
            return .object(cell)
        }
        return ["nbformat": 4, "nbformat_minor": 5, "cells": .array(list),
                "metadata": ["kernelspec": ["name": "rec", "display_name": "rec", "language": "rec"],
                             "language_info": ["name": "rec", "file_extension": ".rec", "mimetype": "text/x-rec"]]]
    }

    /// The cells of a notebook's JSON, or an error that says what is wrong with it.
    static func cells(_ notebook: JSON, path: String) throws -> [NotebookCell] {
        guard notebook["nbformat"]?.int == 4 else {
            throw CommandError("\(path): not an nbformat 4 notebook (rec convert reads nbformat 4)")
        }
        guard let list = notebook["cells"]?.array else { throw CommandError("\(path): the notebook has no cell list") }
        return try list.enumerated().map { k, cell in
            let source: String
            switch cell["source"] {
            case .string(let s)?: source = s
            case .array(let parts)?: source = parts.compactMap(\.string).joined()
            default: throw CommandError("\(path): cell \(k + 1) has no source")
            }
            switch cell["cell_type"]?.string {
            case "code": return NotebookCell(kind: .code, source: source)
            case "markdown", "raw": return NotebookCell(kind: .markdown, source: source)
            default: throw CommandError("\(path): cell \(k + 1) has no known cell_type")
            }
        }
    }

    /// nbformat's multiline strings: lines keeping their newline, the last one without.
    static func sourceLines(_ text: String) -> [String] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        return lines.enumerated().map { k, l in k < lines.count - 1 ? l + "\n" : String(l) }.filter { !$0.isEmpty }
    }
}
