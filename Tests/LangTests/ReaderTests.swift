import XCTest
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
@testable import Lang
@testable import Model

/// The one reader: the parser decides where a statement ends, spans name real lines,
/// nesting is limited instead of exhausting the stack, and reading stays linear.
final class ReaderTests: XCTestCase {
    func chunks(_ source: String) -> [Chunk] { StatementReader.chunks(of: source, origin: "t.rec") }

    func testAStatementGoesOnWhileABracketIsOpen() {
        var reader = StatementReader(origin: "")
        XCTAssertNil(reader.feed("x = tensor([1,"))
        XCTAssertTrue(reader.isPending)
        XCTAssertNil(reader.feed("   2,"))
        let chunk = reader.feed("3])")
        XCTAssertFalse(reader.isPending)
        XCTAssertEqual(chunk?.source.text, "x = tensor([1,\n   2,\n3])")
        XCTAssertEqual(chunk?.source.firstLine, 1)
        XCTAssertEqual(try chunk?.parsed.get().count, 1)
    }

    func testASyntaxErrorEndsTheStatementInsteadOfWaiting() {
        var reader = StatementReader(origin: "")
        let chunk = reader.feed("x = 1 +* 2")
        XCTAssertNotNil(chunk)
        XCTAssertThrowsError(try chunk?.parsed.get())
        // An unclosed string is an error, not a continuation.
        XCTAssertNotNil(reader.feed("s = \"open"))
        XCTAssertFalse(reader.isPending)
    }

    func testBlankAndCommentLinesAreKeptForTheNextStatement() {
        let c = chunks("# a title\n\n# about x\nx = 1\n\ny = 2\n# trailing")
        XCTAssertEqual(c.map(\.source.text), ["x = 1", "y = 2"])
        XCTAssertEqual(c.map(\.source.firstLine), [4, 6])
        XCTAssertEqual(c.first?.comments, "# a title\n\n# about x")
    }

    func testErrorsNameTheRealLineOfTheFile() {
        let source = Array(repeating: "a = 1", count: 39).joined(separator: "\n") + "\nb = tensor([1, 2],\n  foo: 3)"
        let session = Session(seed: 1)
        var errors: [String] = []
        session.output = { o in if case .error = o, let t = o.plainText { errors.append(t) } }
        session.run(source, origin: "long.rec", stopOnError: true)
        XCTAssertEqual(errors.count, 1)
        XCTAssertTrue(errors[0].hasPrefix("long.rec:41:3: error: tensor has no parameter 'foo'"), errors[0])
        XCTAssertTrue(errors[0].contains("\n  foo: 3)\n  ^~~"), errors[0])
    }

    func testCRLFAndAByteOrderMarkRead() {
        let session = Session(seed: 1)
        var values: [String] = []
        session.output = { o in if case .value(let v) = o { values.append(v.display) } }
        let records = session.run("\u{FEFF}x = [1,\r\n 2]\r\nx\r\n", origin: "win.rec")
        XCTAssertEqual(records.map(\.status), [.ok, .ok])
        XCTAssertEqual(values, ["[1, 2]"])
    }

    func testNestingIsLimitedEverywhereAStackCouldRunOut() {
        let deep = [String(repeating: "(", count: 5000) + "1" + String(repeating: ")", count: 5000),
                    "x = " + Array(repeating: "1", count: 100_000).joined(separator: "+"),
                    String(repeating: "[", count: 5000),
                    "x = " + String(repeating: "-", count: 100_000) + "1",
                    "x" + String(repeating: ".T", count: 10_000),
                    "f" + String(repeating: "()", count: 10_000)]
        for source in deep {
            let session = Session(seed: 1)
            var messages: [String] = []
            session.output = { o in if case .error(let e, _) = o { messages.append(e.message) } }
            let records = session.run(source, origin: "deep.rec", stopOnError: false)
            XCTAssertEqual(records.map(\.status), [.failed])
            XCTAssertEqual(messages, ["this expression nests more than \(Parser.maxDepth) levels deep"], String(source.prefix(20)))
            XCTAssertEqual(session.check(source, origin: "deep.rec").count, 1)
        }
        // Just inside the limit is fine.
        let session = Session(seed: 1)
        let ok = String(repeating: "(", count: 150) + "1" + String(repeating: ")", count: 150)
        XCTAssertEqual(session.run(ok, origin: "ok.rec").map(\.status), [.ok])
    }

    /// The did-you-mean hint skips names whose length rules them out (a huge unknown name
    /// used to cost seconds of edit distances against every builtin).
    func testHintsSkipCandidatesThatCannotBeClose() {
        XCTAssertEqual(Diagnostic.closest(to: "evalute", among: ["evaluate", "embedding", "e"]), "evaluate")
        XCTAssertNil(Diagnostic.closest(to: String(repeating: "x", count: 100_000), among: Session(seed: 1).builtinNames))
    }

    /// Each line of a file of one-line statements is parsed once (piped input used to grow
    /// quadratically: each statement was padded with all the newlines before it).
    func testReadingIsLinearInTheInput() {
        let lines = (0..<40_000).map { "x\($0 % 50) = \($0) + 1" }
        var reader = StatementReader(origin: "big.rec"), chunks = 0
        for l in lines { if reader.feed(l) != nil { chunks += 1 } }
        XCTAssertEqual(chunks, 40_000)
        let total = lines.reduce(0) { $0 + $1.utf8.count }
        XCTAssertEqual(reader.parsedCharacters, total)
        // An unclosed bracket is read on for a bounded number of lines, then reported.
        var open = StatementReader(origin: "open.rec")
        XCTAssertNil(open.feed("x = tensor(["))
        var reported: Chunk?
        for _ in 0..<StatementReader.maxStatementLines where reported == nil { reported = open.feed("1,") }
        XCTAssertNotNil(reported)
        XCTAssertThrowsError(try reported?.parsed.get())
    }

    /// A history with validation draws as one well-formed SVG document with both curves.
    func testAHistoryChartIsOneValidSVGDocument() throws {
        var h = History()
        for e in 1...5 {
            var m = RankingMetrics()
            m.ndcg = 0.1 * Double(e)
            h.epochs.append(EpochRecord(epoch: e, loss: 1 / Double(e), validation: m, seconds: 0))
        }
        let svg = SVGChart.render(HistoryObject.chart(of: h))
        let counter = ElementCounter()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = counter
        XCTAssertTrue(parser.parse(), "not well-formed XML: \(parser.parserError.map { "\($0)" } ?? "")")
        XCTAssertEqual(counter.roots, ["svg"])
        XCTAssertEqual(counter.counts["svg"], 1)
        XCTAssertEqual(counter.counts["polyline"], 2, "the loss and the validation curve")
        XCTAssertTrue(svg.contains(">validation ndcg<") && svg.contains(">training loss<") && svg.contains(">epoch<"))
    }

    /// Curves at the edges of Double still draw: a flat loss of 1e16 (where ±0.5 is lost in
    /// rounding and once left a zero tick step: a trap found by `rec fuzz --seed 2033`), losses
    /// of ±1e308 whose span overflows, and a single point.
    func testChartsOfExtremeLossesDraw() throws {
        for losses: [Double] in [[1e16], [1e16, 1e16], [1e16, 1e16 + 2], [-1e308, 1e308], [1e308], [5e-324], [.nan, 1e16, .infinity]] {
            var h = History()
            for (e, loss) in losses.enumerated() { h.epochs.append(EpochRecord(epoch: e + 1, loss: loss, validation: nil, seconds: 0)) }
            let svg = SVGChart.render(HistoryObject.chart(of: h))
            let parser = XMLParser(data: Data(svg.utf8))
            XCTAssertTrue(parser.parse(), "\(losses): not well-formed XML")
            XCTAssertTrue(svg.contains("<polyline"), "\(losses)")
        }
    }

    /// Track (c)'s history: the preference loss and the word-prediction loss are curves of
    /// their own beside the total, and each epoch's line shows how the total is made.
    func testAHistoryWithAWordLossShowsBothParts() throws {
        var h = History()
        for e in 1...4 {
            let p = 1 / Double(e), w = 4 - 0.1 * Double(e)
            h.epochs.append(EpochRecord(epoch: e, loss: p + 0.5 * w, validation: nil, seconds: 0,
                                        parts: [LossPart(name: LossPart.preference, loss: p, weight: nil),
                                                LossPart(name: AuxiliaryLoss.wordPrediction, loss: w, weight: 0.5)]))
        }
        let chart = HistoryObject.chart(of: h)
        XCTAssertEqual(chart.series.map(\.name), ["training loss", "preference loss", "word prediction loss"])
        XCTAssertEqual(chart.series[2].points.map(\.y), h.losses(of: AuxiliaryLoss.wordPrediction))
        XCTAssertEqual(SVGChart.render(chart).components(separatedBy: "<polyline").count - 1, 3)
        XCTAssertTrue(HistoryObject(h).display.contains("epoch  2  loss 2.4000 = preference 0.5000 + 0.5 × word prediction 3.8000"),
                      HistoryObject(h).display)
        // Without an auxiliary loss, the history looks as it always did.
        var plain = History()
        plain.epochs.append(EpochRecord(epoch: 1, loss: 0.5, validation: nil, seconds: 0, parts: [LossPart(name: LossPart.preference, loss: 0.5, weight: nil)]))
        XCTAssertEqual(HistoryObject.chart(of: plain).series.count, 1)
        XCTAssertFalse(HistoryObject(plain).display.contains("preference"))
    }
}

final class ElementCounter: NSObject, XMLParserDelegate {
    var counts: [String: Int] = [:], roots: [String] = []
    private var depth = 0
    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        if depth == 0 { roots.append(name) }
        counts[name, default: 0] += 1
        depth += 1
    }
    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) { depth -= 1 }
}
