import XCTest
import Foundation
@testable import Lang
import Model

/// `refit` on the shipped demo data: once validation has chosen, the chosen scorer is fitted
/// again on training + validation with every choice kept — a baseline's settings, a blend's
/// weights, a sweep's settings and best epoch count — and each scorer once per events value.
final class RefitTests: XCTestCase {
    let setup = BlendBuiltinTests.demoSplit + """
    full = split.train_all
    pv = paragraph_vectors(ml.plots, dim: 8, epochs: 3)

    """

    func run(_ source: String) -> (Session, notes: [String], errors: [String]) { BlendBuiltinTests.run(setup + source) }

    func evaluation(_ s: Session, _ name: String) throws -> Evaluation {
        guard case .object(let e as EvaluationObject)? = s.variables[name] else { throw XCTSkip("\(name) unbound") }
        return e.evaluation
    }

    func testTrainAllIsTrainingWithBothValidationPartsBack() throws {
        let (s, _, errors) = run("")
        XCTAssertEqual(errors, [])
        guard case .object(let split as SplitObject)? = s.variables["split"], case .object(let full as EventsObject)? = s.variables["full"] else {
            return XCTFail("unbound")
        }
        XCTAssertGreaterThan(split.split.validWarm.count, 0)
        XCTAssertGreaterThan(split.split.validCold.count, 0)
        XCTAssertEqual(full.events.count, split.split.train.count + split.split.validWarm.count + split.split.validCold.count)
        XCTAssertEqual(Array(full.events.items.prefix(split.split.train.count)), split.split.train.items)
        XCTAssertEqual(Array(full.events.users.suffix(split.split.validCold.count)), split.split.validCold.users)
    }

    /// A refitted baseline, best_of's choice, a fixed blend and a route equal the same scorers
    /// built on the full events directly (EASE and the ridge are closed forms).
    func testRefitKeepsSettingsChoicesAndWeights() throws {
        let (s, notes, errors) = run("""
        ease = best_of(l5: baseline("ease", split.train, lambda: 5), l50: baseline("ease", split.train, lambda: 50), on: split.valid_warm, part: "warm")
        ridge = baseline("content_ridge", split.train, content: pv, lambda: 10)
        b = blend(ease: baseline("ease", split.train, lambda: 5), pop: baseline("popularity", split.train), ridge: ridge, weights: [0.75, 0, 0.25], scale: "z")
        again = refit(route(warm: b, cold: ridge), full)
        direct_ridge = baseline("content_ridge", full, content: pv, lambda: 10)
        direct = route(warm: blend(ease: baseline("ease", full, lambda: 5), ridge: direct_ridge, weights: [0.75, 0.25], scale: "z"), cold: direct_ridge)
        a = evaluate(again, split.test_warm)
        d = evaluate(direct, split.test_warm)
        ac = evaluate(again, split.test_cold)
        dc = evaluate(direct, split.test_cold)
        c = evaluate(refit(ease, full), split.test_warm)
        c5 = evaluate(baseline("ease", full, lambda: 5), split.test_warm)
        c50 = evaluate(baseline("ease", full, lambda: 50), split.test_warm)
        """)
        XCTAssertEqual(errors, [])
        let pick = try XCTUnwrap(notes.first { $0.hasPrefix("best_of: ") }, "\(notes)")
        XCTAssertEqual(try evaluation(s, "c").warm.ndcg, try evaluation(s, pick.hasPrefix("best_of: l5 ") ? "c5" : "c50").warm.ndcg,
                       "best_of's choice is refitted with its λ")
        XCTAssertNotEqual(try evaluation(s, "c5").warm.ndcg, try evaluation(s, "c50").warm.ndcg, "the λ matters here")
        guard case .object(let again as BaselineObject)? = s.variables["again"], case .object(let full as EventsObject)? = s.variables["full"] else {
            return XCTFail("unbound")
        }
        XCTAssertEqual(again.train.count, full.events.count, "the refit is fitted on the full events (evaluation excludes them)")
        guard let routed = again.scorer as? RoutedScorer, let blend = routed.warm as? BlendScorer else { return XCTFail("not a routed blend") }
        XCTAssertEqual(blend.weights, [0.75, 0.25], "the part weighted 0 is left out, the weights kept")
        XCTAssertEqual(try evaluation(s, "a").warm.ndcg, try evaluation(s, "d").warm.ndcg, accuracy: 1e-12)
        XCTAssertEqual(try evaluation(s, "ac").cold.ndcg, try evaluation(s, "dc").cold.ndcg, accuracy: 1e-12)
    }

    /// A sweep's best trial is rebuilt with its settings and trained for its best epoch count
    /// on the full events; asking again returns the same fit; map_content refits its scorer.
    func testSweepRefitTrainsTheChosenTrialForItsEpochsOnce() throws {
        let (s, notes, errors) = run("""
        recipe = (dim = 8) -> bpr(dot(embedding(ml.users, dim), embedding(ml.items, dim)), negatives: 16)
        best = sweep(recipe, grid(dim: [4, 8]), split.train, validate: split.valid_warm, select: "warm", epochs: 6, patience: 2)
        one = refit(best, full)
        two = refit(best.score, full)
        cold = map_content(best.score, pv, lambda: 10)
        cold_again = refit(cold, full)
        """)
        XCTAssertEqual(errors, [])
        guard case .object(let w as SweepObject)? = s.variables["best"], case .object(let one as ScoreObject)? = s.variables["one"],
              case .object(let two as ScoreObject)? = s.variables["two"], case .object(let cold as BaselineObject)? = s.variables["cold_again"],
              case .object(let full as EventsObject)? = s.variables["full"] else { return XCTFail("unbound") }
        XCTAssertTrue(one === two, "one refit per scorer and events")
        XCTAssertFalse(one === w.score)
        XCTAssertEqual(one.train?.count, full.events.count)
        XCTAssertEqual(cold.train.count, full.events.count)
        let trial = w.trials[w.best]
        let refits = notes.filter { $0.hasPrefix("refit: ") }
        XCTAssertEqual(refits.count, 1, "\(notes)")
        XCTAssertTrue(refits[0].contains(SweepObject.settings(trial) + ", \(trial.epochs) epochs on train_all"), refits[0])
        XCTAssertEqual(one.model.user.width, w.score.model.user.width, "the chosen width")
    }

    func testWhatCannotBeRefittedIsAClearError() {
        let (_, _, e1) = run("refit(3, full)")
        XCTAssertTrue(e1.last?.contains("refit: score must be a sweep, a score or a baseline, got number") ?? false, "\(e1)")
        let (_, _, e2) = run("""
        m = dot(embedding(ml.users, 4), embedding(ml.items, 4))
        fit(bpr(m), split.train, epochs: 1)
        refit(m, full)
        """)
        XCTAssertTrue(e2.last?.contains("refit: score cannot be fitted again: it keeps no recipe") ?? false, "\(e2)")
        let (_, _, e3) = run("refit(baseline(\"popularity\", split.train), 3)")
        XCTAssertFalse(e3.isEmpty)
    }
}
