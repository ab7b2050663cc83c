import XCTest
import Foundation
@testable import Lang

/// Functions of the language: `(a, b = 2) -> expr`, called positionally or by keyword,
/// closing over enclosing parameters, and never exhausting the stack.
final class FunctionTests: XCTestCase {
    func run(_ source: String) -> (values: [String], errors: [String]) { FunctionTests.run(source) }

    static func run(_ source: String) -> (values: [String], errors: [String]) {
        let session = Session(seed: 1)
        var values: [String] = [], errors: [String] = []
        session.output = { o in
            switch o {
            case .value(let v): values.append(v.display)
            case .error(let e, _): errors.append(e.message)
            default: break
            }
        }
        session.run(source, origin: "f.rec", stopOnError: false)
        return (values, errors)
    }

    func testCallsBindLikeBuiltins() {
        let r = run("f = (a, b = 2) -> a * b\nf(3)\nf(3, 4)\nf(b: 5, a: 1)\nf\nf(1, c: 2)\nf()")
        XCTAssertEqual(r.values, ["6", "12", "5", "function (a, b = 2)"])
        XCTAssertEqual(r.errors, ["f has no parameter 'c'", "f needs a (value)"])
    }

    func testBodiesMaySpanLinesAndCloseOverParameters() {
        let r = run("add = (n) ->\n  (m) -> n + m\nadd2 = add(2)\nadd2(5)\nt = tensor([1, 2])\nscale = (k) -> t * k\nscale(3)")
        XCTAssertEqual(r.values, ["7", "tensor [2]\n[3, 6]"])
        XCTAssertEqual(r.errors, [])
    }

    func testNamesAreCheckedWhereTheFunctionIsDefined() {
        let r = run("z = (x) -> y + x\nq = (a, a) -> 1")
        XCTAssertEqual(r.errors, ["'y' is not defined", "the parameter a is named twice"])
    }

    func testRecursionStopsWithAnErrorNotACrash() {
        let wide = "m = 1\nm = (n) -> " + Array(repeating: "m(n)", count: 150).joined(separator: " + ") + "\nm(1)"
        XCTAssertEqual(run(wide).errors.count, 1)
        let r = run("k = 1\nk = (n) -> k(n + 1)\nk(1)\nk")
        XCTAssertEqual(r.errors, ["functions call functions more than \(Interpreter.maxCallDepth) deep"])
        XCTAssertEqual(r.values, ["function (n)"], "the session goes on")
    }

    /// On a thread with a small stack (as a notebook kernel might use), deep evaluation stops
    /// with an error: the guard measures the stack rather than counting frames.
    func testDeepEvaluationOnASmallThreadStackIsAnError() {
        let source = "m = 1\nm = (n) -> " + String(repeating: "(", count: 190) + "m(n)" + String(repeating: ")", count: 190) + "\nm(1)"
        final class Box: @unchecked Sendable { var errors: [String] = [] }
        let box = Box()
        let done = expectation(description: "ran")
        let thread = Thread {
            box.errors = FunctionTests.run(source).errors
            done.fulfill()
        }
        thread.stackSize = 2 << 20
        thread.start()
        wait(for: [done], timeout: 60)
        let result = box
        XCTAssertEqual(result.errors.count, 1)
        XCTAssertTrue(["this evaluation nests too deeply for the stack", "functions call functions more than 32 deep"].contains(result.errors.first ?? ""))
    }

    func testAFunctionCanBeCheckedWithoutRunning() {
        let session = Session(seed: 1)
        XCTAssertTrue(session.check("f = (a) -> a + 1\nf(2)\ng = (b) -> c", origin: "c.rec").map(\.0.message) == ["'c' is not defined"])
    }
}
