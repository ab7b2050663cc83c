import XCTest
import Foundation
@testable import Lang
import Model

/// `blend`, `route`, `map_content`, `warp` and `decay:` through the language on the shipped demo data:
/// they run, choose on validation, and bad arguments are errors that name the argument.
final class BlendBuiltinTests: XCTestCase {
    /// The demo data split with validation parts (the refit tests start from it too).
    static let demoSplit = """
    seed(2)
    ml = movielens("demo", plots: "demo/plots.tsv")
    split = ml.split(cold_items: 0.2, holdout: 0.1, validation: 0.1)

    """
    let setup = BlendBuiltinTests.demoSplit + """
    pv = paragraph_vectors(ml.plots, dim: 8, epochs: 3)
    als = baseline("als", split.train, factors: 8, iterations: 3)
    ridge = baseline("content_ridge", split.train, content: pv, lambda: 10)

    """

    func run(_ source: String) -> (Session, notes: [String], errors: [String]) { BlendBuiltinTests.run(setup + source) }

    /// Runs a script on the demo data (stopping at the first error): its notes and errors apart.
    static func run(_ source: String) -> (Session, notes: [String], errors: [String]) {
        let s = Session(seed: 1, dataDirectory: SweepTests.demo)
        var notes: [String] = [], errors: [String] = []
        s.output = { o in
            switch o {
            case .note(let n): notes.append(n)
            case .error(let e, _): errors.append(e.message)
            default: break
            }
        }
        s.run(source, origin: "t.rec", stopOnError: true)
        return (s, notes, errors)
    }

    func testBlendChoosesOnValidationAndMapsContentForColdItems() throws {
        let (s, notes, errors) = run("""
        cold = map_content(als, pv, lambda: 10)
        b = blend(als: cold, ridge: ridge, on: split.valid_cold, part: "cold")
        fixed = blend(als: als, ease: baseline("ease", split.train, lambda: 50), weights: [0.8, 0.2], scale: "z")
        t = compare(b: b, fixed: fixed, cold: cold, on: split.test_cold)
        r = route(warm: fixed, cold: b)
        rw = evaluate(r, split.test_warm)
        fw = evaluate(fixed, split.test_warm)
        rc = evaluate(r, split.test_cold)
        bc = evaluate(b, split.test_cold)
        bx = blend(als: cold, ridge: ridge, on: split.valid_cold, part: "cold", cross_fit: true)
        """)
        XCTAssertEqual(errors, [])
        let blendNotes = notes.filter { $0.hasPrefix("blend: ") }
        XCTAssertEqual(blendNotes.count, 2, "\(notes)")
        let note = blendNotes[0]
        XCTAssertTrue(note.contains("on validation") && note.contains("alone: als ") && !note.contains("cross-fitted"), note)
        // cross_fit: the same choice, and the honest figure in the note.
        XCTAssertTrue(blendNotes[1].contains("on validation, cross-fitted 0."), blendNotes[1])
        guard case .object(let bx as BaselineObject)? = s.variables["bx"] else { return XCTFail("unbound") }
        XCTAssertEqual((bx.scorer as? BlendScorer)?.weights, (((s.variables["b"]).flatMap { v -> BlendScorer? in
            if case .object(let o as BaselineObject) = v { return o.scorer as? BlendScorer }; return nil }))?.weights)
        guard case .object(let b as BaselineObject)? = s.variables["b"], let blend = b.scorer as? BlendScorer,
              case .object(let f as BaselineObject)? = s.variables["fixed"], let fixed = f.scorer as? BlendScorer,
              case .object(let c as BaselineObject)? = s.variables["cold"] else { return XCTFail("unbound") }
        XCTAssertEqual(blend.weights.reduce(0, +), 1, accuracy: 1e-5)
        XCTAssertEqual(fixed.weights, [0.8, 0.2])
        XCTAssertEqual(fixed.scale, .z)
        XCTAssertTrue(c.scorer is ContentMappedScorer)
        // route: warm items from fixed, cold ones from b.
        func ndcg(_ name: String) -> Double? {
            guard case .object(let e as EvaluationObject)? = s.variables[name] else { return nil }
            return name.hasSuffix("w") ? e.evaluation.warm.ndcg : e.evaluation.cold.ndcg
        }
        XCTAssertNotNil(ndcg("rw"))
        XCTAssertEqual(ndcg("rw"), ndcg("fw"))
        XCTAssertEqual(ndcg("rc"), ndcg("bc"))
        // The same script chooses the same weights.
        guard case .object(let again as BaselineObject)? = run("b = blend(als: map_content(als, pv, lambda: 10), ridge: ridge, on: split.valid_cold, part: \"cold\")").0.variables["b"]
        else { return XCTFail("unbound") }
        XCTAssertEqual((again.scorer as? BlendScorer)?.weights, blend.weights)
    }

    func testWARPAndDecayTrainAFittedModelThatMapContentReads() throws {
        let (s, _, errors) = run("""
        score = dot(embedding(ml.users, 8, decay: 0.01), embedding(ml.items, 8, decay: 0.01) + dense(content(pv), 8, decay: 0.001))
        h = fit(warp(score, negatives: 16, margin: 1), split.train, adagrad(0.05), epochs: 2)
        m = map_content(score, pv, lambda: 3)
        e = evaluate(m, split.valid_cold)
        """)
        XCTAssertEqual(errors, [])
        guard case .object(let h as HistoryObject)? = s.variables["h"], case .object(let e as EvaluationObject)? = s.variables["e"] else {
            return XCTFail("unbound")
        }
        XCTAssertEqual(h.history.epochs.count, 2)
        XCTAssertTrue(h.history.losses.allSatisfy { $0.isFinite && $0 > 0 })
        XCTAssertGreaterThan(e.evaluation.cold.items, 0)
    }

    func testBadArgumentsNameTheArgument() {
        let cases: [(String, String)] = [
            ("blend(a: als, b: ridge, weights: [1, -1])", "weights must be numbers ≥ 0"),
            ("blend(a: als, b: ridge, weights: [1])", "weights has 1 numbers for 2 scores"),
            ("blend(a: als, b: ridge, weights: [1, 1], on: split.valid_warm)", "not both"),
            ("blend(a: als, b: ridge)", "needs on:"),
            ("blend(a: als, b: ridge, weights: [1, 1], refine: true)", "refine: works with weights chosen on validation"),
            ("blend(a: als, b: ridge, weights: [1, 1], cross_fit: true)", "cross_fit: works with weights chosen on validation"),
            ("blend(a: als, b: ridge, weights: [1, 1], by_events: [5])", "by_events: works with weights chosen on validation"),
            ("blend(a: als, b: ridge, weights: [1, 1], bag: 4)", "bag: works with weights chosen on validation"),
            ("blend(a: als, b: ridge, on: split.valid_warm, bag: 65)", "bag must be a whole number from 0 to 64"),
            ("blend(a: als, b: ridge, on: split.valid_warm, bag: -1)", "bag must be at least 0"),
            ("blend(a: als, b: ridge, on: split.valid_warm, bag: 1.5)", "bag must be a whole number"),
            ("blend(a: als, b: ridge, on: split.valid_warm, by_events: [5, 2])", "by_events must hold whole numbers ≥ 1 in increasing order"),
            ("blend(a: als, b: ridge, on: split.valid_warm, by_events: [0.5])", "by_events must hold whole numbers ≥ 1 in increasing order"),
            ("blend(a: als, b: ridge, on: split.valid_warm, by_events: [100000])", "no validation items with 100000 or more training events"),
            ("blend(a: als, b: ridge, on: split.valid_warm, refine: 1)", "refine must be true or false"),
            ("blend(a: als, b: ridge, on: split.valid_warm, levels: [0])", "levels must be numbers ≥ 0, not all 0"),
            ("blend(a: als, b: ridge, on: split.valid_warm, levels: 3)", "levels must be a list of numbers"),
            ("blend(a: als, b: 3, on: split.valid_warm)", "b must be a score or a baseline"),
            ("blend(a: als, b: baseline(\"popularity\", split.valid_warm), on: split.valid_warm)", "b was trained on other events"),
            ("blend(a: als, on: split.valid_warm, scale: \"raw\")", "scale must be one of"),
            ("map_content(ridge, pv)", "got baseline content_ridge"),
            ("map_content(als, pv, lambda: 0)", "lambda must be a positive number"),
            ("embedding(ml.items, 4, decay: -1)", "decay must be a number ≥ 0"),
            ("dense(embedding(ml.items, 4), 4, decay: -0.5)", "decay must be a number ≥ 0"),
            ("warp(dot(embedding(ml.users, 4), embedding(ml.items, 4)), margin: -1)", "margin must be a number ≥ 0"),
            ("route(warm: als, cold: baseline(\"popularity\", split.valid_warm))", "route: warm and cold were fitted on other events"),
            ("route(warm: als, cold: 3)", "cold must be a score or a baseline"),
            ("route(warm: als)", "cold"),
            ("baseline(\"ease\", split.train, dropout: 1)", "dropout must be in [0, 1)"),
            ("baseline(\"als\", split.train, lambda_power: -1)", "lambda_power must be ≥ 0"),
            ("baseline(\"ease\", split.train, orientation: \"both\")", "orientation must be one of"),
            ("baseline(\"ease\", split.train, content: pv, content_weight: -1)", "content_weight must be ≥ 0"),
            ("baseline(\"ease\", split.train, content: pv, orientation: \"users\")", "content: only item–item"),
            ("baseline(\"ease\", split.train, content: tensor([[1, 2]]))", "content: must be a ["),
            ("baseline(\"als\", split.train, content: tensor([[1, 2]]))", "content: must be a ["),
            ("baseline(\"als\", split.train, content: ml.genres, content_weight: 0)", "content_weight must be > 0 for als"),
            ("baseline(\"als\", split.train, content: pv)", "als reads content: values ≥ 0"),
            ("baseline(\"rp3beta\", split.train, alpha: -0.5)", "alpha must be ≥ 0"),
            ("baseline(\"rp3beta\", split.train, beta: -1)", "beta must be ≥ 0"),
            ("baseline(\"rp3beta\", split.train, neighbours: -3)", "neighbours must be at least 0"),
            ("baseline(\"rp3beta\", split.train, neighbours: 2.5)", "neighbours must be a whole number"),
        ]
        for (line, expected) in cases {
            let errors = run(line).errors
            XCTAssertEqual(errors.count, 1, line)
            XCTAssertTrue(errors.first?.contains(expected) ?? false, "\(line): \(errors)")
        }
    }
}

/// `blend(…, by_events:)`: weights per group of items by their training events, through the language.
extension BlendBuiltinTests {
    func testBlendByEventsChoosesPerGroupAndRefitsWithItsBounds() throws {
        let (s, notes, errors) = run("""
        ease = baseline("ease", split.train, lambda: 50)
        g = blend(als: als, ease: ease, on: split.valid_warm, part: "warm", scale: "z", cross_fit: true, by_events: [4])
        ge = evaluate(g, split.valid_warm)
        full = split.train_all
        again = refit(g, full)
        """)
        XCTAssertEqual(errors, [])
        let groupNotes = notes.filter { $0.hasPrefix("blend, items with ") }
        XCTAssertEqual(groupNotes.count, 2, "\(notes)")
        XCTAssertTrue(groupNotes[0].hasPrefix("blend, items with 0–3 training events (") && groupNotes[0].contains("cross-fitted"), groupNotes[0])
        XCTAssertTrue(groupNotes[1].hasPrefix("blend, items with 4 or more training events ("), groupNotes[1])
        let overall = try XCTUnwrap(notes.first { $0.hasPrefix("blend by events: warm ndcg@20 ") }, "\(notes)")
        guard case .object(let g as BaselineObject)? = s.variables["g"], let routed = g.scorer as? RoutedScorer,
              case .object(let e as EvaluationObject)? = s.variables["ge"],
              case .object(let again as BaselineObject)? = s.variables["again"], let refitted = again.scorer as? RoutedScorer,
              case .object(let full as EventsObject)? = s.variables["full"] else { return XCTFail("unbound or not routed") }
        // The note's overall figure is the routed blend's own validation ndcg.
        XCTAssertTrue(overall.contains(String(format: "%.4f on validation, cross-fitted", e.evaluation.warm.ndcg)), overall)
        XCTAssertEqual(routed.groups.bounds, [4])
        // The refit keeps each group's weights (over the parts weighted anywhere) and the bounds,
        // its groups counted on the full events.
        XCTAssertEqual(refitted.groups.bounds, [4])
        let weights = routed.scorers.map { ($0 as? BlendScorer)?.weights ?? [] }
        let kept = (0..<2).filter { p in weights.contains { $0[p] > 0 } }
        XCTAssertEqual(refitted.scorers.map { ($0 as? BlendScorer)?.weights ?? [] }, weights.map { w in kept.map { w[$0] } })
        XCTAssertEqual(again.train.count, full.events.count)
    }
}
