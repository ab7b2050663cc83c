import XCTest
import Foundation
@testable import Lang
import Model

/// The statement generator of `rec fuzz`: deterministic, built from the whole registry, and
/// every statement complete (so a reader ends it at its last line).
final class StatementGeneratorTests: XCTestCase {
    static let statements = StatementGenerator(seed: 11).batch(20_000)

    func testTheSameSeedGivesTheSameStatements() {
        XCTAssertEqual(StatementGenerator(seed: 5).batch(300), StatementGenerator(seed: 5).batch(300))
        XCTAssertNotEqual(StatementGenerator(seed: 5).batch(300), StatementGenerator(seed: 6).batch(300))
    }

    func testEveryParameterTypeAndResultIsKnown() {
        let r = Registry.standard
        for b in r.builtins.values {
            XCTAssertNotNil(FuzzTypes.builtinResults[b.name], "no result kind for builtin \(b.name)")
            for p in b.parameters { XCTAssertFalse(FuzzTypes.parse(p.type).kinds.isEmpty, "\(b.name).\(p.name): \(p.type)") }
        }
        for (type, members) in r.members {
            XCTAssertNotNil(FuzzKind(rawValue: type), "no kind for type \(type)")
            for m in members.values {
                XCTAssertNotNil(FuzzTypes.memberResults[type + "." + m.name], "no result kind for \(type).\(m.name)")
                for p in m.parameters ?? [] { XCTAssertFalse(FuzzTypes.parse(p.type).kinds.isEmpty, "\(type).\(m.name).\(p.name)") }
            }
        }
        XCTAssertEqual(FuzzTypes.parse("\"gru\" or \"lstm\"").choices, ["gru", "lstm"])
        XCTAssertEqual(FuzzTypes.parse("item index or title").kinds, [.whole, .string])
        XCTAssertEqual(FuzzTypes.parse("tensor [items, dim]").kinds, [.content])
        XCTAssertEqual(FuzzTypes.parse("item-side node").kinds, [.itemNode])
        XCTAssertEqual(FuzzTypes.parse("tensor or loss").kinds, [.tensor, .loss])
    }

    /// Every builtin is called, every member used, every keyword given, in 20,000 statements.
    func testStatementsReachEveryBuiltinMemberAndKeyword() {
        let text = Self.statements.joined(separator: "\n")
        let r = Registry.standard
        for b in r.builtins.values {
            XCTAssertTrue(text.contains(b.name + "("), "never called: \(b.name)")
            for p in b.parameters where p.keywordOnly { XCTAssertTrue(text.contains(p.name + ": "), "never given: \(b.name)(\(p.name):)") }
        }
        for members in r.members.values {
            for m in members.values { XCTAssertTrue(text.contains("." + m.name), "never used: .\(m.name)") }
        }
        for edge in ["1e308", "-1e308", "100000000000", "1e15", FuzzValues.nan, "\"\"", "-1"] {
            XCTAssertTrue(text.contains(edge), "never used: \(edge)")
        }
        XCTAssertTrue(Self.statements.contains { $0.hasPrefix("v3 = ") }, "no statement binds a name")
        XCTAssertTrue(Self.statements.contains { $0.contains("(v3") || $0.contains(" v3") }, "no statement uses a bound name")
        XCTAssertTrue(Self.statements.contains { $0.count > 10_000 }, "no deep nesting")
        XCTAssertTrue(Self.statements.contains { $0.contains(") -> ") }, "no function literal")
        XCTAssertTrue(Self.statements.contains { $0.hasPrefix("sweep(") || $0.contains("= sweep(") }, "no sweep")
    }

    func testEveryStatementIsComplete() throws {
        for s in Self.statements {
            XCTAssertEqual(FuzzSyntax.unclosed(s).open, [], s)
            guard s.count < 2_000, !s.hasPrefix(":"), !s.hasPrefix("?") else { continue }
            do {
                _ = try Parser.parse(s, origin: "fuzz")
            } catch let e as LangError {
                XCTAssertNotEqual(e.kind, .incomplete, s)
            }
        }
    }

    func testCompletionClosesBracketsAndDanglingOperators() {
        XCTAssertEqual(FuzzSyntax.complete("sum(tensor([1, 2"), "sum(tensor([1, 2 ]))")
        XCTAssertEqual(FuzzSyntax.complete("x = 1 +"), "x = 1 + 1")
        XCTAssertEqual(FuzzSyntax.complete("f(1 # (("), "f(1 # ((\n)")
        XCTAssertEqual(FuzzSyntax.complete("f(\"(\""), "f(\"(\" )")
        XCTAssertEqual(FuzzSyntax.complete("(]"), "(]")
    }

    /// A reproducer keeps the prelude entries its statements need, and what those need.
    func testPreludeEntriesFollowDependencies() {
        let names = FuzzPrelude.standard.needed(by: ["gradcheck(loss, train)"]).compactMap(\.name)
        XCTAssertEqual(names, ["ml", "split", "train", "item", "user", "score", "loss"])
        XCTAssertEqual(FuzzPrelude.standard.needed(by: ["1 + 1"]).count, 0)
        XCTAssertEqual(FuzzPrelude.standard.needed(by: ["load(\"t.npy\")"]).compactMap(\.name), ["t"])
        XCTAssertEqual(FuzzPrelude.standard.needed(by: ["split_files(ml, train: \"sp/train.tsv\")"]).map(\.source),
                       ["ml = movielens(\"demo\", plots: \"demo/plots.tsv\")", "split = ml.split()", "train = split.train",
                        "split.save(\"sp\")"])
    }

    /// The prelude's bindings run without an error on the demo data (in a copy); the entries
    /// that write files (into the current directory) run in FuzzStatementsTests, in a child.
    func testPreludeRunsOnTheDemoData() throws {
        let demo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Data/demo").path
        let dir = NSTemporaryDirectory() + "rec-prelude-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.copyItem(atPath: demo, toPath: dir + "/demo")
        let session = Session(seed: 1, dataDirectory: dir)
        for e in FuzzPrelude.standard.entries where e.files.isEmpty {
            for error in session.run(e.source, origin: "prelude").compactMap(\.error) { XCTFail("\(e.source): \(error)") }
        }
        XCTAssertEqual(session.variables.count, FuzzPrelude.standard.entries.compactMap(\.name).count)
    }
}
