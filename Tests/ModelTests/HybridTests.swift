import XCTest
@testable import Model

/// The hybrid flip recommender end to end on ML-100K with plots: it trains, evaluates warm
/// and cold items apart, and the content makes cold items rankable.
final class HybridTests: XCTestCase {
    struct Setup {
        let ml: MovieLens
        let split: Split
        let content: Tensor
        let encode: (String) throws -> Tensor
    }

    nonisolated(unsafe) static let setup: Result<Setup, Error> = Result {
        let ml = try MovieLens.load(directory: dataPath("ml-100k"), plots: dataPath("ml-100k/plots.tsv"))
        let split = try Split.random(ml, coldItems: 0.2, holdout: 0.1, validation: 0.1, seed: 42)
        let tokens = ml.plots.map { Tokenizer().tokens($0 ?? "") }
        let vocab = try Vocabulary(documents: tokens.filter { !$0.isEmpty }, minCount: 2, maxDocumentFrequency: 0.5)
        let glove = try WordVectors.load(dataPath("vectors/glove.6B.50d.top100k.txt.gz"))
        let (vectors, found) = glove.matrix(for: vocab)
        let tfidf = TFIDF(documents: tokens, vocabulary: vocab)
        let content = try ContentVectors.tfidfAverage(tfidf.weights, vectors: vectors, found: found)
        let text = TextEncoder(vocabulary: vocab, tfidf: tfidf)
        return Setup(ml: ml, split: split, content: content,
                     encode: { try ContentVectors.newDocument($0, encoder: text, vectors: vectors, found: found) })
    }

    func data() throws -> Setup {
        switch Self.setup {
        case .success(let s): return s
        case .failure(let e as XCTSkip): throw e
        case .failure(let e): throw e
        }
    }

    func hybrid(_ s: Setup, seed: UInt64, dim: Int = 32) throws -> ScoreModel {
        let rng = RandomSource(seed: seed)
        let ml = s.ml
        let item = try SumTower(EmbeddingTower(axis: .items, count: ml.items.count, dim: dim, dropout: 0.5, rng: rng),
                                DenseTower(ContentTower(s.content, encoder: s.encode), width: dim, activation: .elu, rng: rng))
        let user = try EmbeddingTower(axis: .users, count: ml.users.count, dim: dim, rng: rng)
        return try ScoreModel(user: user, item: item, users: ml.users.count, items: ml.items.count)
    }

    func testTrainsAndBeatsPopularityOnColdItems() throws {
        let s = try data()
        let model = try hybrid(s, seed: 1)
        var options = Trainer.Options()
        options.epochs = 3
        options.patience = 2
        let trainer = try Trainer(model: model, objective: Objective(loss: .bpr, negatives: 32, sampler: .popular(beta: 0.5)),
                                  optimizer: Adagrad(learningRate: 0.05), options: options)
        let history = try trainer.fit(s.split.train, validation: s.split.validCold, rng: RandomSource(seed: 2))
        print(history)
        XCTAssertLessThan(history.losses.last!, history.losses.first!)
        let test = Events.merge(s.split.testWarm, s.split.testCold)
        let e = try Evaluator.evaluate(model, test: test, train: s.split.train, items: s.ml.items.count)
        let pop = try Evaluator.evaluate(PopularityScorer(train: s.split.train, users: s.ml.users.count), test: test,
                                         train: s.split.train, items: s.ml.items.count)
        let random = try Evaluator.evaluate(RandomScorer(users: s.ml.users.count, seed: 1), test: test,
                                            train: s.split.train, items: s.ml.items.count)
        let knn = try Evaluator.evaluate(ContentKNNScorer(content: s.content, train: s.split.train, users: s.ml.users.count),
                                         test: test, train: s.split.train, items: s.ml.items.count)
        print("hybrid\n\(e)\npopularity\n\(pop)\ncontent kNN\n\(knn)\nrandom\n\(random)")
        XCTAssertEqual(e.cold.items, Set(s.split.testCold.items).count)
        XCTAssertGreaterThan(e.warm.items, 100)
        XCTAssertEqual(random.cold.auc, 0.5, accuracy: 0.03)
        XCTAssertGreaterThan(e.cold.auc, 0.7)
        XCTAssertGreaterThan(e.cold.ndcg, random.cold.ndcg * 2)
    }
}

extension HybridTests {
    func testRecommendByIdTitleAndPlot() throws {
        let s = try data()
        let model = try hybrid(s, seed: 3)
        var options = Trainer.Options()
        options.epochs = 2
        let trainer = try Trainer(model: model, objective: Objective(loss: .bpr, negatives: 16), optimizer: Adagrad(learningRate: 0.05), options: options)
        _ = try trainer.fit(s.split.train, rng: RandomSource(seed: 4))
        // A warm item: users who already liked it are not recommended; reasons are their own likes.
        let warm = s.split.train.items[0]
        let seen = Set((0..<s.split.train.count).filter { s.split.train.items[$0] == warm }.map { s.split.train.users[$0] })
        let recs = try Recommend.users(model, for: .item(warm), top: 10, train: s.split.train)
        XCTAssertEqual(recs.count, 10)
        XCTAssertTrue(recs.allSatisfy { !seen.contains($0.user) })
        XCTAssertEqual(recs.map(\.score), recs.map(\.score).sorted(by: >))
        for r in recs {
            let liked = Set((0..<s.split.train.count).filter { s.split.train.users[$0] == r.user }.map { s.split.train.items[$0] })
            XCTAssertFalse(r.because.isEmpty)
            XCTAssertTrue(r.because.allSatisfy { liked.contains($0) })
        }
        // A cold item ranks the same by id and by its plot alone (no embedding either way).
        let cold = s.split.coldItems[0]
        let byId = try Recommend.users(model, for: .item(cold), top: 10, train: s.split.train)
        let byPlot = try Recommend.users(model, for: .plot(s.ml.plots[Int(cold)]!), top: 10, train: s.split.train)
        XCTAssertEqual(byId.map(\.user), byPlot.map(\.user))
        for (a, b) in zip(byId, byPlot) { XCTAssertEqual(a.score, b.score, accuracy: 1e-4) }
        XCTAssertNotNil(s.ml.item(titled: "Toy Story"))
        XCTAssertThrowsError(try Recommend.users(model, for: .item(99_999), train: s.split.train))
    }
}

extension Events {
    static func merge(_ a: Events, _ b: Events) -> Events {
        var e = a
        for k in 0..<b.count { e.append(user: b.users[k], item: b.items[k], rating: b.ratings[k], time: b.times[k]) }
        return e
    }
}
