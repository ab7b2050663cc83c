import XCTest
@testable import Lang

/// Small frictions of the seed's vocabulary: optimizers by position, a sample's scores shown
/// as scores, and `;` silencing every output of a statement but warnings and errors.
final class SmallFrictionTests: XCTestCase {
    /// Every output of `source`'s statements, by kind (after `setup`, which prints what it prints).
    func outputs(_ source: String, after setup: String = "") -> [(kind: String, text: String)] {
        let s = Session(seed: 3, dataDirectory: FileBuiltinTests.repoData)
        _ = s.run(setup, origin: "setup", stopOnError: true)
        var out: [(String, String)] = []
        s.output = { o in
            switch o {
            case .value(let v): out.append(("value", v.display))
            case .note(let n): out.append(("note", n))
            case .progress: out.append(("progress", ""))
            case .warning(let w): out.append(("warning", w))
            case .error(let e, _): out.append(("error", e.message))
            }
        }
        _ = s.run(source, origin: "test", stopOnError: false)
        return out
    }

    /// The errors `source`'s statements report, each with its hint (after `setup`).
    func errors(_ source: String, after setup: String = "") -> [LangError] {
        let s = Session(seed: 3, dataDirectory: FileBuiltinTests.repoData)
        _ = s.run(setup, origin: "setup", stopOnError: true)
        var errors: [LangError] = []
        s.output = { if case .error(let e, _) = $0 { errors.append(e) } }
        _ = s.run(source, origin: "test", stopOnError: false)
        return errors
    }

    let prelude = """
        ml = movielens("demo", plots: "demo/plots.tsv")
        split = ml.split(cold_items: 0.2, holdout: 0.1)
        score = dot(embedding(ml.users, 8), embedding(ml.items, 8))
        """

    func testSemicolonSilencesEpochLinesAndProgress() {
        let loud = outputs("fit(bpr(score, negatives: 4), split.train, epochs: 2)", after: prelude)
        XCTAssertEqual(loud.filter { $0.kind == "note" }.count, 2, "\(loud)")
        XCTAssertEqual(loud.filter { $0.kind == "value" }.count, 1)
        let quiet = outputs("h = fit(bpr(score, negatives: 4), split.train, epochs: 2);\nevaluate(score, split.test_cold, k: 5000);", after: prelude)
        XCTAssertTrue(quiet.filter { $0.kind != "warning" }.isEmpty, "\(quiet)")
        XCTAssertEqual(quiet.filter { $0.kind == "warning" }.count, 1, "warnings still show: \(quiet)")
    }

    func testOptimizersTakeTheRateByPosition() {
        let out = outputs("adagrad(0.1)\nsgd(0.2)\nadam(0.01)\nadagrad(lr: 0.1)\nadagrad(0)")
        XCTAssertEqual(out.count, 5, "\(out)")
        XCTAssertEqual(out[0].text, out[3].text, "adagrad(0.1) is adagrad(lr: 0.1)")
        XCTAssertTrue(out[0].text.contains("0.1") && out[1].text.contains("0.2") && out[2].text.contains("0.01"), "\(out)")
        XCTAssertEqual(out.last?.kind, "error")
    }

    func testASamplesScoresPrintAsScores() {
        let out = outputs("s = sample(score, negatives: 4)\ns.neg\ns.pos\ns.neg - s.pos\nmean(softplus(s.neg - s.pos))", after: prelude)
        XCTAssertEqual(out.map(\.text), [
            "sample scores neg [B, 4] over 4 negative users per batch (a loss takes mean(…) of them)",
            "sample scores pos [B] over 4 negative users per batch (a loss takes mean(…) of them)",
            "sample scores (neg - pos) [B, 4] over 4 negative users per batch (a loss takes mean(…) of them)",
            "loss mean(softplus((neg - pos))) over 4 negative users per batch",
        ])
    }

    /// A wrong argument that holds the right kind of value says where: a split's events, a
    /// loss's score (now a member of every loss and sample).
    func testAWrongArgumentPointsInsideItsMembers() {
        let out = outputs("""
            loss = bpr(score, negatives: 4)
            evaluate(score, split)
            recommend(loss, 3)
            loss.score
            sample(score, negatives: 4).score
            fit(bpr(score, negatives: 4), split.train, epochs: 1).score
            evaluate(score, 3)
            """, after: prelude)
        XCTAssertEqual(out.filter { $0.kind == "value" || $0.kind == "error" }.map(\.kind), ["error", "error", "value", "value", "value", "error"], "\(out)")
        let errors = self.errors("evaluate(score, split)\nrecommend(bpr(score, negatives: 4), 3)\nevaluate(score, 3)\nfit(score, split.train)\nml.items[3]\nsplit.train.nope\nevaluate(fit(bpr(score, negatives: 4), split.train, epochs: 1), split.test_warm)\ncontent(ml.plots)",
                            after: prelude)
        XCTAssertEqual(errors.map(\.message), ["evaluate: events must be events, got split", "recommend: score must be a score, got loss",
                                                "evaluate: events must be events, got number", "fit: loss must be a loss, got score",
                                                "an axis cannot be indexed", "events has no member 'nope'",
                                                "evaluate: score must be a score, got history", "content: matrix must be a tensor, got plots"])
        XCTAssertEqual(errors.map(\.hint), ["a split holds events in .test_cold, .test_warm, .train, .train_all, .valid_cold, .valid_warm",
                                             "a loss holds a score in .score", nil, "a loss wraps a score: bpr(score), listwise(score) or wmse(score)",
                                             nil, "members: count", "a history holds a score in .score",
                                             "plots become a matrix by tfidf(plots, vocab), tfidf_average(plots, vectors, vocab) or paragraph_vectors(plots)"])
        let values = out.filter { $0.kind == "value" }.map(\.text)
        XCTAssertEqual(Set(values).count, 1, "a loss's, a sample's and fit's history's .score are the score: \(values)")
        XCTAssertTrue(values[0].hasPrefix("Score(user 8 · item 8"), values[0])
    }

    /// Builtins that take named parts show them in their signature, and a part given by
    /// position says to name it.
    func testNamedPartsShowInSignaturesAndErrors() {
        let s = Session(seed: 3, dataDirectory: FileBuiltinTests.repoData)
        XCTAssertEqual(s.builtin("compare")?.signature, "compare(name: score, …, on: events, k: 20)")
        XCTAssertEqual(s.builtin("grid")?.signature, "grid(name: [values], …)")
        XCTAssertEqual(s.builtin("random_grid")?.signature, "random_grid(trials, name: [values], …)")
        let errors = self.errors("compare(score, on: split.test_warm)", after: prelude)
        XCTAssertEqual(errors.first?.message, "compare takes at most 0 positional arguments; name the others (name: score)")
        XCTAssertEqual(errors.first?.hint, "compare(name: score, …, on: events, k: 20)")
    }

    /// A name from another tool says what the language calls it; a near miss still gets the
    /// closest name; an unknown name with neither gets no hint.
    func testNamesFromOtherToolsPointToTheirBuiltins() {
        let errors = self.errors("gru(16)\nLSTM\nevaluat(1)\nzzqx\nease\nx = 1\ntrain")
        XCTAssertEqual(errors.map(\.message), ["'gru' is not defined", "'LSTM' is not defined", "'evaluat' is not defined", "'zzqx' is not defined",
                                                "'ease' is not defined", "'train' is not defined"])
        XCTAssertEqual(errors.map(\.hint), [
            "rnn_encoder(plots, cell: \"gru\" or \"lstm\") encodes each plot's words with a GRU or an LSTM",
            "rnn_encoder(plots, cell: \"gru\" or \"lstm\") encodes each plot's words with a GRU or an LSTM",
            "did you mean evaluate?", nil,
            "baseline(\"ease\", split.train, …) is that classic method",
            "fit(loss, events, optimizer, epochs: …) trains a model"])
    }

    /// numpy's zeros(3, 2) and randn(2, 3) (which read 3 as randn's std before std became
    /// keyword-only) say that the shape is one list.
    func testAShapeGivenAsSeveralNumbersSaysToListIt() {
        let errors = self.errors("zeros(3, 2)\nrandn(2, 3)\nrandn([2, 3], std: 0.1).shape\nmatmul")
        XCTAssertEqual(errors.map(\.message), ["zeros takes at most 1 positional argument; the shape is one list, as in zeros([2, 3])",
                                                "randn takes at most 1 positional argument; the shape is one list, as in randn([2, 3])",
                                                "'matmul' is not defined"])
        XCTAssertEqual(errors.last?.hint, "a @ b is the matrix product")
    }

    /// A dataset that is not there names the ones that are; a threshold no rating reaches warns.
    func testAMissingDatasetNamesThoseThere() {
        let source = "movielens(\"ml100k\")\nml = movielens(\"demo\", positive: 6)"
        let errors = self.errors(source), warnings = outputs(source).filter { $0.kind == "warning" }.map(\.text)
        XCTAssertEqual(errors.count, 1)
        XCTAssertTrue(errors.first?.message.hasSuffix("ml100k: no such directory") ?? false, "\(errors)")
        XCTAssertEqual(errors.first?.hint, "the data directory \(FileBuiltinTests.repoData) holds \"demo\"; rec --data DIR (or $REC_DATA) reads another, "
                       + "and scripts/fetch-data downloads the MovieLens datasets")
        XCTAssertEqual(warnings, ["no rating is at or above positive: 6, so the dataset has no events to learn from"])
    }
}
