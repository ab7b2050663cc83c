import XCTest
@testable import Lang

/// Builtins are declared once: the signature's defaults are what a call that leaves an
/// argument out gets, and every default is written in the language itself.
final class RegistryTests: XCTestCase {
    func testEveryDefaultIsALiteralNoneOrAnExpressionOfTheLanguage() {
        let r = Registry.standard
        var checked = 0
        let parameters = r.builtins.values.flatMap { b in b.parameters.map { (b.name, $0) } }
            + r.members.flatMap { type, members in members.values.flatMap { m in (m.parameters ?? []).map { ("\(type).\(m.name)", $0) } } }
        for (owner, p) in parameters {
            guard let text = p.defaultValue else { continue }
            checked += 1
            if p.literalDefault != nil || text == "none" { continue }
            XCTAssertNoThrow(try Parser.parse(text, origin: ""), "\(owner): \(p.name)'s default \(text) is not in the language")
        }
        XCTAssertGreaterThan(checked, 50)
    }

    func testALeftOutArgumentGetsTheSignaturesDefault() throws {
        let b = Builtin("f", [Parameter("n", "whole number", default: "32"), Parameter("how", "string", default: "\"fast\""),
                              Parameter("on", "bool", default: "true"), Parameter("xs", "list", default: "[1, -2]"),
                              Parameter("opt", "optimizer", default: "none")], summary: "", example: "") { _, _ in .none }
        let span = SourceSpan(origin: "", line: 1, column: 1, length: 1)
        let a = try b.bind([], callSpan: span)
        XCTAssertEqual(try a.int("n"), 32)
        XCTAssertEqual(try a.string("how"), "fast")
        XCTAssertEqual(try a.bool("on"), true)
        XCTAssertEqual(a.value("xs")?.display, "[1, -2]")
        XCTAssertNil(a.value("opt"))
        XCTAssertFalse(a.has("n"), "has() is what the call gave")
        let given = try b.bind([(label: "n", labelSpan: span, value: .number(8), span: span)], callSpan: span)
        XCTAssertEqual(try given.int("n"), 8)
    }

    func testHelpShowsTheDefaultsTheCallsUse() {
        let s = Session(seed: 1)
        XCTAssertTrue(Help.text(for: "sweep", session: s).contains("epochs: whole number = 20"), Help.text(for: "sweep", session: s))
    }
}
