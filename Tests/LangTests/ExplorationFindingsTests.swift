import XCTest
import Foundation
@testable import Lang
import Model

/// What a participant's session of mistakes found (6 December 2026), each held here: Ctrl-C in
/// a statement that only calls functions, a gradient lost by indexing, errors inside function
/// bodies, brackets left open, figures read off parts that were never measured, NaN inputs,
/// plots given to models that cannot read them, and a few more.
final class ExplorationFindingsTests: XCTestCase {
    /// Every output of `source` after `setup`, errors rendered as a terminal shows them.
    func outputs(_ source: String, after setup: String = "", origin: String = "test.rec") -> (values: [String], errors: [String], warnings: [String]) {
        let s = Session(seed: 3, dataDirectory: FileBuiltinTests.repoData)
        _ = s.run(setup, origin: "setup", stopOnError: true)
        var values: [String] = [], errors: [String] = [], warnings: [String] = []
        s.output = { o in
            switch o {
            case .value(let v): values.append(v.display)
            case .error(let e, let text): errors.append(Diagnostic.render(e, source: text))
            case .warning(let w): warnings.append(w)
            default: break
            }
        }
        _ = s.run(source, origin: origin, stopOnError: false)
        return (values, errors, warnings)
    }

    let prelude = """
        ml = movielens("demo", plots: "demo/plots.tsv")
        split = ml.split(cold_items: 0.2, holdout: 0.1)
        ids = dot(embedding(ml.users, 8), embedding(ml.items, 8))
        fit(bpr(ids, negatives: 4), split.train, epochs: 1);
        """

    /// Functions calling functions are the language's only repetition: a statement that does
    /// nothing else stops at Ctrl-C instead of running on for minutes.
    func testCtrlCStopsAStatementBusyCallingFunctions() {
        var source = "f0 = (x) -> x + 1\n"
        for k in 1...24 { source += "f\(k) = (x) -> f\(k - 1)(f\(k - 1)(x))\n" }
        let session = Session(seed: 1)
        _ = session.run(source, origin: "setup", stopOnError: true)
        var errors: [LangError] = []
        session.output = { if case .error(let e, _) = $0 { errors.append(e) } }
        let cancel = session.cancel
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.3) { cancel.set() }
        let started = Date()
        let records = session.run("y = f24(0)", origin: "test", stopOnError: false)
        XCTAssertEqual(records.last?.error?.kind, .interrupted, "\(records)")
        XCTAssertLessThan(Date().timeIntervalSince(started), 30, "2^24 calls ran to the end")
        XCTAssertNil(session.variables["y"], "nothing bound")
        XCTAssertEqual(errors.first?.span?.line, 1, "reported at the statement's call")
        XCTAssertEqual(errors.first?.span?.column, 5)
        // The session goes on.
        XCTAssertEqual(session.run("f2(1)", origin: "test", stopOnError: false).last?.status, .ok)
    }

    /// `s[0]` of a parameter is a number the gradient flows through (it used to come back as a
    /// plain number, cut from the graph); a constant's element is still a plain number.
    func testIndexingAParameterKeepsItsGradient() {
        let r = outputs("s = param(tensor([1, 2, 3]))\nbackward(s[0] * 3 + sum(s[1:3]))\ns.grad\nm = param(tensor([[1, 2], [3, 4]]))\nbackward(m[1][0] * 2)\nm.grad\ntensor([4, 5])[1] + 1")
        XCTAssertEqual(r.errors, [])
        XCTAssertEqual(r.values.filter { !$0.isEmpty }, ["tensor [3]\n[3, 1, 1]", "tensor [2, 2]\n[[0, 0],\n [2, 0]]", "6"])
        // Against finite differences: d/ds0 of (s0·s0 + s1) at s0 = 1.5 is 3.
        let g = outputs("s = param(tensor([1.5, 2]))\nbackward(s[0] * s[0] + s[1])\ns.grad")
        XCTAssertEqual(g.values.filter { !$0.isEmpty }, ["tensor [2]\n[3, 1]"])
    }

    /// An error raised inside a function's body is shown at the call that ran, then at the
    /// place in the body, each with its line and a caret.
    func testAnErrorInAFunctionBodyShowsTheCallAndThePlaceInTheBody() {
        let r = outputs("u = (x) -> x.shape\nv = (y) -> u(y) + 1\nv(3)")
        XCTAssertEqual(r.errors, ["""
            test.rec:3:1: error: a number has no member 'shape'
            v(3)
            ^~~~
            test.rec:2:12: in v:
            v = (y) -> u(y) + 1
                       ^~~~
            test.rec:1:14: in u:
            u = (x) -> x.shape
                         ^~~~~

            """])
    }

    /// The depth limit's hint says "calls itself" only when one does.
    func testTheDepthLimitNamesRecursionOnlyWhenThereIsSome() {
        var chain = "g0 = (x) -> x\n"
        for k in 1...40 { chain += "g\(k) = (x) -> g\(k - 1)(x)\n" }
        let deep = outputs(chain + "g40(1)")
        XCTAssertEqual(deep.errors.count, 1)
        XCTAssertTrue(deep.errors[0].contains("no function here calls itself"), deep.errors[0])
        XCTAssertTrue(deep.errors[0].contains("calls more …"), "a long chain shows its ends: \(deep.errors[0])")
        let itself = outputs("k = 1\nk = (n) -> k(n + 1)\nk(1)")
        XCTAssertTrue(itself.errors.first?.contains("k calls itself") == true, "\(itself.errors)")
    }

    /// An input that ends inside a bracket is reported at the bracket left open.
    func testAnInputEndingInsideABracketPointsAtTheBracket() {
        let r = outputs("x = 1\ny = tensor([1, 2]\n")
        XCTAssertEqual(r.errors, ["test.rec:2:11: incomplete input: '(' is never closed: the input ends before ')' to close the call\ny = tensor([1, 2]\n          ^\n"]
                       .map { $0.replacingOccurrences(of: "incomplete input: ", with: "error: ") })
        // A later line that cannot continue the open call names the bracket.
        let later = outputs("y = tensor([1, 2]\nz = 3\n")
        XCTAssertTrue(later.errors.first?.contains("hint: the '(' at 1:11 is still open") == true, "\(later.errors)")
    }

    /// A part that was not measured has no figure: reading one is an error, not 0.
    func testAPartWithNoItemsHasNoFigure() {
        let r = outputs("e = evaluate(ids, split.test_warm)\ne.warm\ne.cold\ns0 = ml.split(cold_items: 0.2, validation: 0)\nevaluate(ids, s0.valid_cold)", after: prelude)
        XCTAssertNotNil(Double(r.values.first ?? ""), "\(r.values)")
        XCTAssertEqual(r.errors.count, 1, "\(r.errors)")
        XCTAssertTrue(r.errors[0].contains("this evaluation has no cold items"), r.errors[0])
        XCTAssertEqual(r.values.last, "evaluation of model: no items were ranked")
        XCTAssertTrue(r.warnings.contains { $0.contains("the events hold no item to rank users for") }, "\(r.warnings)")
    }

    /// NaN content is refused where it enters; a model that reads no plots refuses one.
    func testNaNContentAndPlotsAModelCannotReadAreRefused() {
        let r = outputs("""
            content(zeros([3, 4]) / 0)
            recommend(ids, plot: "A robot in love.")
            recommend(ids, 0, plot: "A robot in love.")
            ablation(ids, "content_only")
            """, after: prelude + "\n")
        XCTAssertEqual(r.errors.count, 4, "\(r.errors)")
        XCTAssertTrue(r.errors[0].contains("content: the matrix holds"), r.errors[0])
        XCTAssertTrue(r.errors[1].contains("reads no plots"), r.errors[1])
        XCTAssertTrue(r.errors[2].contains("an item or a plot, not both"), r.errors[2])
        XCTAssertTrue(r.errors[3].contains("reads no content"), r.errors[3])
    }

    /// The caret sits under the token when wide characters (CJK, emoji) come before it.
    func testTheCaretCountsWideCharactersAsTwoCells() {
        let r = outputs("z = [\"日本語\", \"🎬\"] + nosuch")
        XCTAssertEqual(r.errors.first?.split(separator: "\n").dropFirst(2).first.map(String.init),
                       String(repeating: " ", count: 23) + "^~~~~~", "\(r.errors)")
    }

    /// The mean of nothing is undefined, not 0; a sum of nothing is 0.
    func testTheMeanOfAnEmptyTensorIsAnError() {
        let r = outputs("mean(tensor([]))\nmean(zeros([0, 3]), axis: 0)\nsum(tensor([]))\nmean(zeros([0, 3]), axis: 1)")
        XCTAssertEqual(r.errors.count, 2, "\(r.errors)")
        XCTAssertTrue(r.errors.allSatisfy { $0.contains("its mean is undefined") }, "\(r.errors)")
        XCTAssertEqual(r.values, ["tensor []\n0", "tensor [0]\n[]"])
    }

    /// Choosing on a part that has no items would pick the first candidate on 0s: an error,
    /// as blend gives; a sweep finds that, and a bad training setting of a later trial,
    /// before it trains anything.
    func testChoosingOnAnEmptyPartIsAnErrorBeforeAnyTraining() {
        let r = outputs("""
            pop = baseline("popularity", split.train)
            best_of(a: pop, b: ids, on: split.valid_cold, part: "warm")
            recipe = (dim = 8) -> bpr(dot(embedding(ml.users, dim), embedding(ml.items, dim)))
            sweep(recipe, grid(dim: [4, 8]), split.train, validate: split.valid_cold, select: "warm", epochs: 1)
            sweep(recipe, grid(lr: [0.05, -1], dim: [4, 8]), split.train, validate: split.valid_warm, select: "warm", epochs: 1)
            """, after: prelude)
        XCTAssertEqual(r.errors.count, 3, "\(r.errors)")
        XCTAssertTrue(r.errors[0].contains("best_of: on: has no warm items"), r.errors[0])
        XCTAssertTrue(r.errors[1].contains("sweep: validate: has no warm items"), r.errors[1])
        XCTAssertTrue(r.errors[2].contains("lr must be a positive number, got -1"), r.errors[2])
        XCTAssertFalse(r.values.contains { $0.contains("trial") }, "nothing trained: \(r.values)")
    }

    /// A model evaluated on events of another dataset is an error, not a table of figures.
    func testEventsOfAnotherDatasetAreRefused() throws {
        let dir = NSTemporaryDirectory() + "rec-other-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir + "/other", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createSymbolicLink(atPath: dir + "/demo", withDestinationPath: FileBuiltinTests.repoData + "/demo")
        try (1...30).map { "\($0)::Movie \($0) (1990)::Drama\n" }.joined().write(toFile: dir + "/other/movies.dat", atomically: true, encoding: .utf8)
        try (0..<600).map { "\($0 % 50 + 1)::\($0 % 30 + 1)::5::\($0)\n" }.joined().write(toFile: dir + "/other/ratings.dat", atomically: true, encoding: .utf8)
        let s = Session(seed: 3, dataDirectory: dir)
        _ = s.run(prelude + "\nother = movielens(\"other\")\npop = baseline(\"popularity\", split.train)", origin: "setup", stopOnError: true)
        var errors: [String] = []
        s.output = { if case .error(let e, _) = $0 { errors.append(e.message) } }
        _ = s.run("evaluate(pop, other.events)\nevaluate(ids, other.events)\ncompare(pop: pop, on: other.events)", origin: "test", stopOnError: false)
        XCTAssertEqual(errors.count, 3, "\(errors)")
        XCTAssertTrue(errors.allSatisfy { $0.contains("of a dataset with 50 users and 30 items") }, "\(errors)")
    }

    /// A part that fails to refit is reported at the refit, with where the part was given.
    func testARefitErrorShowsTheRefitAndWhereThePartWasGiven() {
        let r = outputs("b = blend(pop: baseline(\"popularity\", split.train), hybrid: ids, weights: [1, 1])\nfinal = refit(b, split.train_all)",
                        after: prelude)
        guard r.errors.count == 1 else { return XCTFail("\(r.errors)") }
        XCTAssertTrue(r.errors[0].hasPrefix("test.rec:2:"), r.errors[0])
        XCTAssertTrue(r.errors[0].contains("final = refit(b, split.train_all)"), r.errors[0])
        XCTAssertTrue(r.errors[0].contains("test.rec:1:"), "where the part was given: \(r.errors[0])")
    }

    /// The prompt's own syntax, met in a script or a cell of several lines, says where it works.
    func testPromptSyntaxInAStatementSaysWhereItWorks() {
        let r = outputs(":vars\nx = 1\n?x")
        XCTAssertEqual(r.errors.count, 2, "\(r.errors)")
        XCTAssertTrue(r.errors[0].contains("hint: meta-commands such as :vars are the prompt's"), r.errors[0])
        XCTAssertTrue(r.errors[1].contains("hint: ?name works on a line of its own"), r.errors[1])
    }

    /// Asking for more users than an item has left says so.
    func testRecommendingMoreUsersThanThereAreWarns() {
        let r = outputs("recommend(ids, 0, top: 100000)", after: prelude)
        XCTAssertTrue(r.warnings.contains { $0.contains("users have no training event on") }, "\(r.warnings)")
    }

    /// A checkpoint loaded without a model to load into, and a model saved under a tensor's
    /// extension, say what to do.
    func testCheckpointsAndTensorFilesAreNotMixedUp() throws {
        let dir = NSTemporaryDirectory() + "rec-ckpt-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = outputs("save(ids, \"\(dir)/m.ckpt\")\nload(\"\(dir)/m.ckpt\")\nsave(ids, \"\(dir)/m.npy\")", after: prelude)
        XCTAssertEqual(r.errors.count, 2, "\(r.errors)")
        XCTAssertTrue(r.errors[0].contains("is a checkpoint") && r.errors[0].contains("into: score"), r.errors[0])
        XCTAssertTrue(r.errors[1].contains("a model is saved as a checkpoint, not as .npy"), r.errors[1])
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/m.npy"))
    }

    func testATensorLiteralBeyondFloat32IsAnError() {
        let r = outputs("tensor([1e39])\ntensor([3e38])")
        XCTAssertEqual(r.errors.count, 1)
        XCTAssertTrue(r.errors[0].contains("beyond float32's range"), r.errors[0])
        XCTAssertEqual(r.values, ["tensor [1]\n[3e+38]"])
    }

    /// Tensors print nested as their axes are, long axes with their first and last entries.
    func testTensorsPrintTheirAxesNested() {
        let r = outputs("tensor([[[1, 2], [3, 4]], [[5, 6], [7, 8]]])\ntensor([[0], [1], [2], [3], [4], [5], [6], [7], [8], [9]])")
        XCTAssertEqual(r.errors, [])
        XCTAssertEqual(r.values, ["tensor [2, 2, 2]\n[[[1, 2],\n  [3, 4]],\n\n [[5, 6],\n  [7, 8]]]",
                                  "tensor [10, 1]\n[[0],\n [1],\n [2],\n …,\n [7],\n [8],\n [9]]"])
    }

    func testASplitOfADatasetWithoutPlotsWarnsThatItsColdPartsAreEmpty() {
        let r = outputs("bare = movielens(\"demo\")\ns = bare.split(cold_items: 0.2)")
        XCTAssertTrue(r.warnings.contains { $0.contains("cold items are drawn among the movies with a plot") }, "\(r.warnings)")
    }

    /// A sweep whose recipe fails names the trial's settings where it failed.
    func testASweepsRecipeErrorNamesTheTrial() {
        let r = outputs("""
            recipe = (dim = 8) -> bpr(dot(embedding(ml.users, dim), embedding(ml.items, dim)))
            sweep(recipe, grid(dim: ["a"]), split.train, validate: split.valid_warm, epochs: 1)
            """, after: prelude)
        XCTAssertEqual(r.errors.count, 1)
        XCTAssertTrue(r.errors[0].contains("in the recipe (dim = \"a\"):"), r.errors[0])
    }

    /// Examples of several statements keep one statement a line in the reference and in help
    /// (joined with `;` they did not run: `;` silences a statement, it does not separate two).
    func testExamplesOfSeveralStatementsKeepOneALine() {
        let s = Session(seed: 1)
        let markdown = Help.markdown(session: s)
        XCTAssertTrue(markdown.contains("`s = sample(score, negatives: 32)`<br>`loss = mean(softplus(s.neg - s.pos))`"))
        XCTAssertTrue(Help.text(for: "sample", session: s).hasSuffix("example:\n  s = sample(score, negatives: 32)\n  loss = mean(softplus(s.neg - s.pos))"))
    }

    /// A string prints as a literal that reads back as the same string: its quotes and
    /// backslashes escaped (they were printed bare, so the display could not be pasted back).
    func testStringsPrintAsLiteralsThatReadBack() {
        let r = outputs(#"""
            s = "say \"hi\"\\n"
            s
            [s, "tab\tnewline\n"]
            """#)
        XCTAssertEqual(r.errors, [])
        XCTAssertEqual(r.values, [#""say \"hi\"\\n""#, #"["say \"hi\"\\n", "tab\tnewline\n"]"#])
        let back = outputs("t = " + r.values[0] + "\nt")
        XCTAssertEqual(back.values, [r.values[0]], "the printed literal reads back as the same string")
    }

    /// A vectors file that gives a word twice loads with a warning naming the word; the first
    /// vector is the one used.
    func testAWordGivenTwiceInAVectorsFileWarns() throws {
        let path = NSTemporaryDirectory() + "rec-vectors-\(getpid()).txt"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "the 1 2\ncat 3 4\nthe 5 6\ncat 7 8\ndog 9 9\n".write(toFile: path, atomically: true, encoding: .utf8)
        let r = outputs("v = wordvectors(\"\(path)\")")
        XCTAssertEqual(r.errors, [])
        XCTAssertEqual(r.warnings.count, 1)
        XCTAssertTrue(r.warnings[0].contains("gives 2 words more than once (the first: 'the'); each word's first vector is used"), r.warnings[0])
        let once = try WordVectors.load(path)
        XCTAssertEqual(once.repeated, ["the", "cat"])
        XCTAssertEqual(once.id("the"), 0)
        XCTAssertEqual(once.id("cat"), 1)
    }

    /// A statement that fails leaves the random generator where it was: the session's later
    /// figures are those of a replay, which leaves the failed statement out. (The embedding of
    /// users was drawn before `ml.itmes` failed.)
    func testAFailedStatementDrawsNothing() {
        let setup = "ml = movielens(\"demo\", plots: \"demo/plots.tsv\")"
        let failing = outputs("s = dot(embedding(ml.users, 8), embedding(ml.itmes, 8))\nx = randn([3])\nx", after: setup)
        XCTAssertEqual(failing.errors.count, 1)
        let clean = outputs("x = randn([3])\nx", after: setup)
        XCTAssertEqual(failing.values, clean.values)
    }

    /// A file the session wrote is its own output: writing it again (a step run again after
    /// `b`, a cell run twice) needs no overwrite: true; a file it did not write still does.
    func testASessionMayWriteAgainWhatItWrote() throws {
        let dir = NSTemporaryDirectory() + "rec-again-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "a,b\n".write(toFile: dir + "/theirs.csv", atomically: true, encoding: .utf8)
        let r = outputs("""
            export(vars(), "\(dir)/v.csv")
            export(vars(), "\(dir)/v.csv")
            export(vars(), "\(dir)/theirs.csv")
            """)
        XCTAssertEqual(r.errors.count, 1, "\(r.errors)")
        XCTAssertTrue(r.errors.first?.contains("theirs.csv exists") ?? false, "\(r.errors)")
    }

    /// Text pasted from slides and habits from Python and IPython get a hint that names the
    /// character or the habit and what to type instead.
    func testPastedCharactersAndPythonHabitsGetHints() {
        let r = outputs("""
            x = \u{201C}a\u{201D}
            y\u{00A0}= 1
            z = 3 \u{2212} 1
            %timeit 1
            fit(bpr(score, negatives=32))
            flag = True
            exit()
            help(fit)
            """)
        XCTAssertEqual(r.errors.count, 7, "\(r.errors)")
        guard r.errors.count == 7 else { return }
        XCTAssertTrue(r.errors[0].contains("unexpected character '\u{201C}' (U+201C, a typographic quote)") && r.errors[0].contains("hint: strings take straight quotes"), r.errors[0])
        XCTAssertTrue(r.errors[1].contains("(U+00A0, a no-break or typographic space)") && r.errors[1].contains("retype it as a plain space"), r.errors[1])
        XCTAssertTrue(r.errors[2].contains("(U+2212, a dash, not the minus sign)"), r.errors[2])
        XCTAssertTrue(r.errors[3].contains("rec has no % magics"), r.errors[3])
        XCTAssertTrue(r.errors[4].contains("a named argument is written name: value, as in negatives: …"), r.errors[4])
        XCTAssertTrue(r.errors[5].contains("'True' is not defined") && r.errors[5].contains("true and false, in lower case"), r.errors[5])
        XCTAssertTrue(r.errors[6].contains(":quit or Ctrl-D leaves rec"), r.errors[6])
        XCTAssertTrue(r.values.last?.hasPrefix("fit(") ?? false, "help(fit) answers as help(\"fit\"): \(r.values)")
    }

    /// A sample's scores are not a loss: asking them for a member says what they are.
    func testSampleScoresSayWhatTheyAre() {
        let r = outputs("s = sample(ids, negatives: 16)\ns.neg.shape", after: prelude)
        XCTAssertEqual(r.errors.count, 1)
        XCTAssertTrue(r.errors.first?.contains("sample scores [B, 16] have no member 'shape'") ?? false, "\(r.errors)")
    }

    /// Evaluating on the training part says why nothing was ranked; recommending what the model
    /// cannot read (a plot of unknown words, a cold item of an ids-only model) warns.
    func testRankingsOfNothingTheModelReadsSaySo() {
        let r = outputs("""
            evaluate(ids, split.train)
            recommend(ids, split.cold_items[0], top: 2)
            hybrid = dot(embedding(ml.users, 8), embedding(ml.items, 8) + dense(content(tfidf(ml.plots, vocabulary(ml.plots))), 8))
            fit(bpr(hybrid, negatives: 4), split.train, epochs: 1);
            recommend(hybrid, plot: "qqqq zzzz", top: 2)
            recommend(hybrid, plot: "A cowboy doll is jealous of a spaceman.", top: 2)
            """, after: prelude)
        XCTAssertEqual(r.errors, [])
        XCTAssertEqual(r.warnings.count, 3, "\(r.warnings)")
        guard r.warnings.count == 3 else { return }
        XCTAssertTrue(r.warnings[0].contains("every event is one the model trained on"), r.warnings[0])
        XCTAssertTrue(r.warnings[1].contains("has no training event and the model reads no plots: the users are ranked by their biases alone"), r.warnings[1])
        XCTAssertTrue(r.warnings[2].contains("the model reads nothing in the plot \"qqqq zzzz\""), r.warnings[2])
    }

    /// Training or validating on a test part is allowed, with a warning: its figures are no
    /// test any more.
    func testFittingOnATestPartWarns() {
        let r = outputs("fit(bpr(ids, negatives: 4), split.test_warm, epochs: 1, validate: split.test_cold);", after: prelude)
        XCTAssertEqual(r.errors, [])
        XCTAssertEqual(r.warnings.count, 2, "\(r.warnings)")
        XCTAssertTrue(r.warnings.first?.contains("fit trains on test_warm, a test part") ?? false, "\(r.warnings)")
        XCTAssertTrue(r.warnings.last?.contains("fit validates on test_cold, a test part") ?? false, "\(r.warnings)")
    }

    /// A setting a baseline does not read is refused at that argument (it changed nothing, so a
    /// best_of over it read one flat table).
    func testABaselineRefusesSettingsItDoesNotRead() {
        let r = outputs("""
            baseline("popularity", split.train, lambda: 3)
            baseline("rp3beta", split.train, lambda: 1000)
            baseline("ease", split.train, lambda: 100, factors: 2)
            """, after: prelude)
        XCTAssertEqual(r.errors.count, 3)
        guard r.errors.count == 3 else { return }
        XCTAssertTrue(r.errors[0].contains("baseline: popularity does not read lambda: it would change nothing") && r.errors[0].contains("popularity takes no settings"), r.errors[0])
        XCTAssertTrue(r.errors[1].contains("rp3beta reads alpha:, beta:, neighbours:"), r.errors[1])
        XCTAssertTrue(r.errors[2].contains("test.rec:3:53") && r.errors[2].contains("ease does not read factors"), r.errors[2])
    }

    /// A fit that diverges says so as it stops, assigned or not; in its first epoch the model
    /// keeps the parameters it had before the fit, and the message says that.
    func testADivergedFitSaysSo() {
        let r = outputs("h = fit(bpr(ids, negatives: 4), split.train, adagrad(lr: 1e30), epochs: 3)", after: prelude)
        XCTAssertEqual(r.errors, [])
        XCTAssertEqual(r.warnings.count, 1, "\(r.warnings)")
        XCTAssertTrue(r.warnings.first?.hasPrefix("fit: the loss became") ?? false, "\(r.warnings)")
    }

    /// Learning or choosing on a test part warns wherever it happens: a baseline, a refit, a
    /// blend's weights, best_of, a sweep.
    func testChoosingOnATestPartWarnsEverywhere() {
        let r = outputs("""
            e = baseline("ease", split.test_warm)
            p = baseline("popularity", split.train)
            b = best_of(e1: p, e2: baseline("popularity", split.train), on: split.test_warm)
            m = blend(a: p, b: baseline("random", split.train), on: split.test_warm, levels: [0, 1])
            """, after: prelude)
        XCTAssertEqual(r.errors, [])
        let uses = ["baseline fits on test_warm", "best_of chooses on test_warm", "blend chooses its weights on test_warm"]
        for use in uses { XCTAssertTrue(r.warnings.contains { $0.contains(use + ", a test part") }, "\(use): \(r.warnings)") }
    }

    /// Events of another split of the same dataset hold pairs the model was fitted on: they are
    /// left out of the ranking, and evaluate says how many.
    func testEvaluatingOnAnotherSplitSaysWhatWasLeftOut() {
        let r = outputs("other = ml.split(cold_items: 0.2, holdout: 0.1)\nevaluate(ids, other.test_warm)", after: prelude)
        XCTAssertEqual(r.errors, [])
        XCTAssertTrue(r.warnings.contains { $0.contains("test pairs are ones the model was fitted on, left out of the ranking") }, "\(r.warnings)")
        let own = outputs("evaluate(ids, split.test_warm)", after: prelude)
        XCTAssertEqual(own.warnings, [], "a part of the model's own split leaves nothing out")
    }

    /// recommend takes a baseline, a blend or a route (the shipped recipe's final model is a
    /// route of blends): the users by its scores, the item's training users left out; a plot
    /// needs a model that reads plots.
    func testRecommendFromABaselineABlendAndARoute() {
        let r = outputs("""
            p = baseline("popularity", split.train)
            b = blend(pop: p, ids: ids, weights: [1, 0])
            recommend(p, 3, top: 3).users
            recommend(b, 3, top: 3).users
            recommend(route(warm: b, cold: p), 3, top: 3).users
            recommend(p, plot: "A robot.")
            """, after: prelude)
        XCTAssertEqual(r.errors.count, 1, "\(r.errors)")
        XCTAssertTrue(r.errors.first?.contains("a new plot needs a fitted model that reads plots") ?? false, "\(r.errors)")
        XCTAssertEqual(r.values.count, 3, "\(r.values)")
        guard r.values.count == 3 else { return }
        XCTAssertEqual(r.values[0], r.values[1], "a blend weighing popularity alone ranks as popularity")
        XCTAssertEqual(r.values[0], r.values[2])
    }

    /// A checkpoint's optimizer state that has nowhere to go (a fresh model, no optimizer:) is
    /// said at the load: a save of that model would keep none of it.
    func testLoadingWithoutTheOptimizerSaysItsStateIsLeft() throws {
        let path = NSTemporaryDirectory() + "rec-opt-\(getpid()).ckpt"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let r = outputs("""
            save(ids, "\(path)", overwrite: true)
            fresh = dot(embedding(ml.users, 8), embedding(ml.items, 8))
            load("\(path)", into: fresh);
            again = dot(embedding(ml.users, 8), embedding(ml.items, 8))
            load("\(path)", into: again, optimizer: adagrad(lr: 0.05));
            """, after: prelude)
        XCTAssertEqual(r.errors, [])
        XCTAssertEqual(r.warnings.count, 1, "\(r.warnings)")
        XCTAssertTrue(r.warnings.first?.contains("holds the state of its Adagrad optimizer, not restored") ?? false, "\(r.warnings)")
    }

    /// `%` or `!` first on a line is an IPython habit; inside an expression an operator rec lacks.
    /// content_weight without content: changes nothing and is refused.
    func testOperatorsRecLacksAndAWeightWithoutContent() {
        let r = outputs("x = 7 % 2\nbaseline(\"ease\", split.train, content_weight: 3)", after: prelude)
        XCTAssertEqual(r.errors.count, 2, "\(r.errors)")
        guard r.errors.count == 2 else { return }
        XCTAssertTrue(r.errors[0].contains("(no such operator)") && r.errors[0].contains("there is no remainder"), r.errors[0])
        XCTAssertTrue(r.errors[1].contains("content_weight weighs content:, which is not given"), r.errors[1])
    }

    /// The session's own file is the file it wrote, not the path: one another program put
    /// there since (or changed) needs overwrite: true again.
    func testAFileReplacedSinceTheSessionWroteItIsNotItsOwn() throws {
        let dir = NSTemporaryDirectory() + "rec-replaced-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let s = Session(seed: 1)
        var errors: [String] = []
        s.output = { if case .error(let e, _) = $0 { errors.append(e.message) } }
        s.run("export(vars(), \"\(dir)/v.csv\")\nexport(vars(), \"\(dir)/v.csv\")", origin: "t", stopOnError: false)
        XCTAssertEqual(errors, [])
        try "precious".write(toFile: dir + "/v.csv", atomically: true, encoding: .utf8)
        s.run("export(vars(), \"\(dir)/v.csv\")", origin: "t", stopOnError: false)
        XCTAssertEqual(errors.count, 1)
        XCTAssertEqual(try String(contentsOfFile: dir + "/v.csv", encoding: .utf8), "precious")
    }
}
