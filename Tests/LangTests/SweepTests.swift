import XCTest
import Foundation
@testable import Lang
import Model

/// `sweep` over a recipe on the shipped demo data: deterministic, selected on validation
/// only, the kept model is the one the table reports, and Ctrl-C keeps the best finished trial.
final class SweepTests: XCTestCase {
    static let demo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Data").path

    static let setup = """
    seed(3)
    ml = movielens("demo", plots: "demo/plots.tsv")
    split = ml.split(cold_items: 0.2, holdout: 0.1, validation: 0.1)
    recipe = (dim = 8, drop = 0.3) -> bpr(dot(embedding(ml.users, dim), embedding(ml.items, dim, dropout: drop)), negatives: 16)
    """

    func session(_ extra: String, onNote: ((Session, String) -> Void)? = nil) -> (Session, [StatementRecord], [String]) {
        let s = Session(seed: 1, dataDirectory: Self.demo)
        var notes: [String] = []
        s.output = { o in
            switch o {
            case .note(let n): notes.append(n); onNote?(s, n)
            case .error(let e, _): notes.append("error: " + e.message)
            default: break
            }
        }
        let records = s.run(Self.setup + "\n" + extra, origin: "sweep.rec", stopOnError: true)
        return (s, records, notes)
    }

    func sweepObject(_ s: Session, _ name: String = "best") throws -> SweepObject {
        guard case .object(let w as SweepObject)? = s.variables[name] else { throw XCTSkip("no sweep bound") }
        return w
    }

    func testSameSeedSameTrialsAndTheKeptModelIsTheReportedOne() throws {
        let run = "best = sweep(recipe, grid(dim: [4, 8], lr: [0.05, 0.1]), split.train, validate: split.valid_warm, select: \"warm\", epochs: 4, patience: 2)\nv = evaluate(best.score, split.valid_warm)"
        let (s1, r1, notes) = session(run)
        XCTAssertTrue(r1.allSatisfy { $0.status == .ok }, notes.joined(separator: "\n"))
        let (s2, _, _) = session(run)
        let a = try sweepObject(s1), b = try sweepObject(s2)
        XCTAssertEqual(a.trials.count, 4)
        XCTAssertEqual(a.trials.map(\.selected), b.trials.map(\.selected), "deterministic")
        XCTAssertEqual(a.best, a.trials.indices.max { a.trials[$0].selected < a.trials[$1].selected })
        guard case .object(let v as EvaluationObject)? = s1.variables["v"] else { return XCTFail("no evaluation") }
        XCTAssertEqual(v.evaluation.warm.ndcg, a.trials[a.best].selected, accuracy: 1e-12, "the kept model is the best trial's")
        XCTAssertEqual(notes.filter { $0.hasPrefix("trial ") }.count, 4, "a row per trial as it goes")
        XCTAssertTrue(a.display.contains("★"))
    }

    func testSettingsTheRecipeDoesNotTakeAreRefusedBeforeTraining() {
        let (_, records, notes) = session("sweep(recipe, grid(width: [1, 2]), split.train, validate: split.valid_cold)")
        XCTAssertEqual(records.last?.status, .failed)
        XCTAssertTrue(notes.last?.contains("the recipe has no parameter 'width'") ?? false, notes.joined(separator: "\n"))
        XCTAssertFalse(notes.contains { $0.hasPrefix("trial ") })
        let (_, r2, n2) = session("sweep((dim = 1) -> dim, grid(dim: [1]), split.train, validate: split.valid_cold)")
        XCTAssertEqual(r2.last?.status, .failed)
        XCTAssertTrue(n2.last?.contains("must return a loss") ?? false, n2.joined(separator: "\n"))
    }

    func testCtrlCKeepsTheBestFinishedTrial() throws {
        let run = "best = sweep(recipe, grid(dim: [4, 8, 16]), split.train, validate: split.valid_cold, epochs: 3)"
        let (s, records, notes) = session(run) { session, note in
            if note.hasPrefix("trial 1 ") { session.cancel.set() }
        }
        XCTAssertEqual(records.last?.status, .interrupted, notes.joined(separator: "\n"))
        let w = try sweepObject(s)
        XCTAssertEqual(w.trials.count, 1)
        XCTAssertTrue(w.display.contains("stopped by the user during trial 2 of 3"), w.display)
        // Said as the statement ends, shown or not (under `rec run` the script stops there).
        XCTAssertTrue(notes.contains { $0.hasPrefix("sweep stopped by the user during trial 2 of 3: it is left out; kept the best of the 1 that finished: #1 dim=4 → ") },
                      notes.joined(separator: "\n"))
        XCTAssertNotNil(records.last?.line, "rec run names the line it stopped at")
    }

    func testRandomGridDrawsFromTheListsAndIsSeeded() {
        let s = Session(seed: 5)
        s.run("a = random_grid(6, dim: [8, 16, 32], lr: [0.01, 0.1])", origin: "g")
        let t = Session(seed: 5)
        t.run("a = random_grid(6, dim: [8, 16, 32], lr: [0.01, 0.1])", origin: "g")
        guard case .object(let x as SearchSpaceObject)? = s.variables["a"], case .object(let y as SearchSpaceObject)? = t.variables["a"] else {
            return XCTFail("not bound")
        }
        XCTAssertEqual(x.trials.count, 6)
        XCTAssertEqual(x.trials.map { $0.map(\.value.display) }, y.trials.map { $0.map(\.value.display) })
        XCTAssertTrue(x.trials.allSatisfy { ["8", "16", "32"].contains($0[0].value.display) && ["0.01", "0.1"].contains($0[1].value.display) })
        var errors: [String] = []
        s.output = { o in if case .error(let e, _) = o { errors.append(e.message) } }
        s.run("grid()\ngrid(dim: 3)\ngrid(dim: [])\nrandom_grid(0, dim: [1])", origin: "g", stopOnError: false)
        XCTAssertEqual(errors.count, 4, errors.joined(separator: "\n"))
    }
}
