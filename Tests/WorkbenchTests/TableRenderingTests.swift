import XCTest
import Foundation
@testable import Workbench
@testable import Lang
@preconcurrency import Rainbow

/// Tables as each front end draws them from the one `Table`: `vars()` as HTML beside its text
/// in the notebook, a metric table's model name once, and colour that keeps a sweep's lines
/// around its table.
final class TableRenderingTests: XCTestCase {
    func testVarsIsAnHTMLTableInTheNotebook() throws {
        let s = Session(seed: 1, dataDirectory: NSTemporaryDirectory())
        s.run("t = tensor([1, 2])\nname = \"<b>\"", origin: "setup")
        let v = try XCTUnwrap(s.run("vars()", origin: "cell").last?.value)
        let bundle = try XCTUnwrap(ExecuteRenderer.mimeBundle(v))
        XCTAssertEqual(bundle["text/plain"]?.string, "name  type    value\nname  string  \"<b>\"\nt     tensor  tensor [2]")
        let html = try XCTUnwrap(bundle["text/html"]?.string)
        XCTAssertEqual(html, """
            <table>
            <thead><tr><th style="text-align: left">name</th><th style="text-align: left">type</th><th style="text-align: left">value</th></tr></thead>
            <tbody>
            <tr><td style="text-align: left">name</td><td style="text-align: left">string</td><td style="text-align: left">&quot;&lt;b&gt;&quot;</td></tr>
            <tr><td style="text-align: left">t</td><td style="text-align: left">tensor</td><td style="text-align: left">tensor [2]</td></tr>
            </tbody>
            </table>
            """)
        // No variables: the text says so, and there is no empty table.
        let empty = try XCTUnwrap(Session(seed: 1, dataDirectory: NSTemporaryDirectory()).run("vars()", origin: "cell").last?.value)
        XCTAssertEqual(ExecuteRenderer.mimeBundle(empty)?["text/plain"]?.string, "(no variables)")
        XCTAssertNil(ExecuteRenderer.mimeBundle(empty)?["text/html"])
    }

    func testGroupedColumnsShowAValueOnceAndExportItEverywhere() {
        let t = Table(columns: [Table.Column("model", title: "", .left), Table.Column("part", title: "part", .left), .hidden("k"),
                                Table.Column("ndcg", title: "ndcg@5")],
                      records: [[.text("a"), .text("all"), .integer(5), .number(0.5)], [.text("a"), .text("cold"), .integer(5), .number(0.25)],
                                [.text("b"), .text("all"), .integer(5), .number(Double.nan)]], grouped: 1)
        XCTAssertEqual(t.text, "   part  ndcg@5\na  all   0.5000\n   cold  0.2500\nb  all      nan")
        XCTAssertTrue(HTMLTable.render(t).contains("<tr><td style=\"text-align: left\"></td><td style=\"text-align: left\">cold</td>"))
        XCTAssertEqual(TableFiles.csv(t), "model,part,k,ndcg\r\na,all,5,0.5\r\na,cold,5,0.25\r\nb,all,5,nan\r\n")
        XCTAssertEqual(TableFiles.json(t), """
            [
              {"model": "a", "part": "all", "k": 5, "ndcg": 0.5},
              {"model": "a", "part": "cold", "k": 5, "ndcg": 0.25},
              {"model": "b", "part": "all", "k": 5, "ndcg": null}
            ]

            """)
    }

    func testCSVQuotesAndJSONEscapesWhatTheyMust() {
        let t = Table(columns: [Table.Column("title", title: "title"), Table.Column("x", title: "x"), Table.Column("x", title: "x")],
                      records: [[.text("Heat, a \"film\"\nin two lines"), .missing(), Table.Cell(.single(0.1), shown: "0.1")], [.text("Amélie / ok\t"), .number(-.infinity), .integer(-3)]])
        XCTAssertEqual(t.columns.map(\.name), ["title", "x", "x_2"], "keys are unique")
        XCTAssertEqual(TableFiles.csv(t), "title,x,x_2\r\n\"Heat, a \"\"film\"\"\nin two lines\",,0.1\r\nAmélie / ok\t,-inf,-3\r\n")
        XCTAssertEqual(TableFiles.json(t), """
            [
              {"title": "Heat, a \\"film\\"\\nin two lines", "x": null, "x_2": 0.1},
              {"title": "Amélie / ok\\t", "x": null, "x_2": -3}
            ]

            """)
    }

    func testColourKeepsTheLinesAroundATable() throws {
        let (wasEnabled, wasRainbow) = (Palette.enabled, Rainbow.enabled)
        defer { Palette.enabled = wasEnabled; Rainbow.enabled = wasRainbow }
        Palette.enabled = true
        Rainbow.enabled = true
        let s = Session(seed: 1, dataDirectory: NSTemporaryDirectory())
        s.run("t = tensor([1, 2])", origin: "setup")
        let v = try XCTUnwrap(s.run("vars()", origin: "cell").last?.value)
        let text = "above\n" + v.display + "\nbelow"
        let coloured = Palette.value(v, text: text)
        XCTAssertTrue(coloured.hasPrefix("above\n") && coloured.hasSuffix("\nbelow"), coloured)
        XCTAssertTrue(coloured.contains("name  type    value".bold), coloured)
    }
}
