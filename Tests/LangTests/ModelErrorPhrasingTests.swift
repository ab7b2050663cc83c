import XCTest
@testable import Lang
import Model

/// Model errors speak of the Model's parts; through the language they read with the names the
/// user wrote (builtins, keywords), at the place the user wrote them. And `fit` stops an
/// exploding loss with the reason in its history.
final class ModelErrorPhrasingTests: XCTestCase {
    func session(events: Events? = nil) -> Session {
        let s = Session(seed: 3)
        s.variables["users"] = .object(AxisObject(.users, 30, nil))
        s.variables["items"] = .object(AxisObject(.items, 20, nil))
        var e = Events()
        if let events { e = events } else {
            let rng = RandomSource(seed: 1)
            for _ in 0..<200 { let u = Int32(rng.below(30)); e.append(user: u, item: Int32((Int(u) + rng.below(3)) % 20), rating: 1, time: 0) }
        }
        s.variables["events"] = .object(EventsObject(e, "events", users: 30, items: 20))
        return s
    }

    /// The last statement's error: message and column.
    func error(_ source: String, _ s: Session? = nil) -> (String, Int)? {
        (s ?? session()).run(source, origin: "test").compactMap(\.error).first.map { ($0.message, $0.span?.column ?? 0) }
    }

    func testErrorsReadInTheLanguagesWords() {
        let score = "score = dot(embedding(users, 4), embedding(items, 4))\n"
        let cases: [(String, String, Int)] = [
            ("dot(embedding(items, 4), embedding(users, 4))", "dot: the first argument must be a user side, got an item side", 5),
            ("dot(embedding(users, 4), embedding(users, 4))", "dot: the second argument must be an item side, got a user side", 26),
            ("dot(embedding(users, 4), embedding(items, 6))", "dot: user side width 4 and item side width 6 differ", 1),
            ("embedding(items, 4) + embedding(items, 6)", "add: widths differ: 4 and 6 (project one with dense(x, 4) first)", 1),
            (score + "s = sample(score, negatives: 2)\nfit(s.neg - s.pos, events)",
             "loss: must be a single value, but gives a value per example and negative user (take mean(…) of it)", 0),
        ]
        for (source, message, column) in cases {
            guard let (m, c) = error(source) else { XCTFail("no error for \(source)"); continue }
            XCTAssertEqual(m, message, source)
            if column > 0 { XCTAssertEqual(c, column, source) }  // 0: within the argument, wherever the parser starts it
        }
        let empty = session(events: Events())
        XCTAssertEqual(error(score + "fit(bpr(score, negatives: 4), events)", empty)?.0, "fit: no training events")
        XCTAssertEqual(error(score + "gradcheck(bpr(score, negatives: 4), events)", empty)?.0, "gradcheck: no events")
    }

    /// Type errors name the expected kind with the right article ("a events" read badly).
    func testTypeNamesTakeTheirArticle() {
        XCTAssertEqual(Arguments.article("score"), "a score")
        XCTAssertEqual(Arguments.article("evaluation"), "an evaluation")
        XCTAssertEqual(Arguments.article("optimizer"), "an optimizer")
        XCTAssertEqual(Arguments.article("axis"), "an axis")
        XCTAssertEqual(Arguments.article("events"), "events")
        XCTAssertEqual(Arguments.article("wordvectors"), "wordvectors")
        let score = "score = dot(embedding(users, 4), embedding(items, 4))\n"
        XCTAssertEqual(error(score + "fit(bpr(score, negatives: 4), 3)")?.0, "fit: events must be events, got number")
    }

    func testModelOperationsMapToBuiltins() {
        XCTAssertEqual(ModelTerms.phrase(ModelError("recurrent tower", "x")).description, "rnn_encoder: x")
        XCTAssertEqual(ModelTerms.phrase(ModelError("training", "x")).description, "fit: x")
        XCTAssertEqual(ModelTerms.phrase(ModelError("matmul", "x")).description, "matmul: x", "Model terms the language shares stay")
    }

    /// A learning rate a thousand times too large: the loss explodes but stays finite, and
    /// `fit` stops with the reason in its history instead of training on garbage.
    func testFitStopsAnExplodingLoss() throws {
        let records = session().run("""
            score = dot(embedding(users, 8), embedding(items, 8))
            hist = fit(bpr(score, negatives: 4), events, adagrad(lr: 1000), epochs: 3, batch: 16)
            hist
            """, origin: "test")
        guard case .object(let h as HistoryObject)? = records.last?.value else {
            return XCTFail("\(records.map(\.status))")
        }
        XCTAssertEqual(h.history.epochs.count, 0)
        XCTAssertTrue(h.summary.hasPrefix("History(0 epochs, loss ; the loss became "), h.summary)
        XCTAssertTrue(h.summary.contains("(above 1000, the limit of this training): stopped with the parameters as they were before the fit (no epoch finished)"), h.summary)
    }
}
