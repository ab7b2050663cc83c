import XCTest
@testable import Model

/// word2vec and paragraph vectors learn something real: on generated topics, and on the
/// real ML-100K plots, where documents of a genre must be closer than documents of different genres.
final class EmbeddingTrainingTests: XCTestCase {
    /// Documents drawn from two disjoint topic vocabularies; with `signatures`, each document
    /// also repeats three words of its own (so that a document is more than its topic).
    func topics(seed: UInt64, signatures: Bool = false) throws -> (docs: [[String]], topic: [Int]) {
        let rng = RandomSource(seed: seed)
        let a = (0..<20).map { "sun\($0)" }, b = (0..<20).map { "rain\($0)" }
        var docs: [[String]] = [], topic: [Int] = []
        for k in 0..<120 {
            let words = k % 2 == 0 ? a : b
            var doc = (0..<15).map { _ in words[rng.below(words.count)] }
            if signatures {
                for j in 0..<3 { doc += ["doc\(k)_\(j)", "doc\(k)_\(j)"] }
                rng.shuffle(&doc)
            }
            docs.append(doc)
            topic.append(k % 2)
        }
        return (docs, topic)
    }

    func cosine(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ d: Int) -> Float {
        Kernels.dot(a, b, d) / (Kernels.dot(a, a, d).squareRoot() * Kernels.dot(b, b, d).squareRoot())
    }

    func options(dim: Int = 16, epochs: Int) -> EmbeddingTraining {
        var o = EmbeddingTraining()
        o.dim = dim; o.epochs = epochs; o.sample = 0; o.window = 3
        return o
    }

    func testWord2VecGroupsTopicWords() throws {
        let (docs, _) = try topics(seed: 1)
        let vocab = try Vocabulary(documents: docs)
        let w2v = try Word2Vec(documents: docs.map { vocab.encode($0) }, vocabulary: vocab, options: options(epochs: 10))
        let d = w2v.dim, v = w2v.vectors.pointer
        var within: Float = 0, across: Float = 0
        for i in 0..<5 {
            let s = Int(vocab.id("sun\(i)")!), s2 = Int(vocab.id("sun\(i + 5)")!), r = Int(vocab.id("rain\(i)")!)
            within += cosine(v + s * d, v + s2 * d, d)
            across += cosine(v + s * d, v + r * d, d)
        }
        XCTAssertGreaterThan(within / 5, across / 5 + 0.3, "within \(within / 5), across \(across / 5)")
    }

    func testParagraphVectorsSeparateTopicsAndInfer() throws {
        let (docs, topic) = try topics(seed: 2, signatures: true)
        let vocab = try Vocabulary(documents: docs)
        let encoded = docs.map { vocab.encode($0) }
        for (method, words) in [(ParagraphVectors.Method.dbow, false), (.dbow, true), (.dm, false)] {
            let pv = try ParagraphVectors(documents: encoded, vocabulary: vocab, method: method, trainWords: words,
                                          options: options(epochs: 20))
            let g = try GenreSeparation.score(pv.documentVectors, genres: topic.map { ["\($0)"] })
            XCTAssertGreaterThan(g.separation, 0.3, "\(method) words \(words): \(g)")
            // Cosines after centring on the training documents' mean: their common direction
            // carries nothing about a document.
            let mean = try pv.documentVectors.mean(axis: 0).scalars
            let centred = pv.documentVectors.copy()
            for k in 0..<docs.count { for j in 0..<pv.dim { centred[k, j] -= mean[j] } }
            func similarity(_ v: [Float], _ k: Int) -> Float {
                zip(v, mean).map { $0 - $1 }.withUnsafeBufferPointer { cosine($0.baseAddress!, centred.pointer + k * pv.dim, pv.dim) }
            }
            // Inference: a training document's own text gets back a vector close to the one it
            // learned (and the same text twice, the same vector).
            var own: Float = 0, others: Float = 0
            for k in 0..<10 {
                let v = pv.infer(encoded[k])
                XCTAssertEqual(v, pv.infer(encoded[k]))
                own += similarity(v, k)
                others += similarity(v, k + 1)
            }
            XCTAssertGreaterThan(own / 10, 0.5, "\(method)")
            XCTAssertGreaterThan(own, others + 3, "\(method): own \(own / 10), neighbour \(others / 10)")
            guard method == .dbow else { continue }
            // A new text of topic 0 lands nearer the topic-0 documents.
            let query = pv.infer(vocab.encode(["sun1", "sun2", "sun3", "sun4", "sun5", "sun6", "sun7", "sun8"]))
            var near: [Float] = [0, 0]
            for k in 0..<docs.count { near[topic[k]] += similarity(query, k) }
            XCTAssertGreaterThan(near[0], near[1], "\(method): inferred vector's similarity by topic \(near)")
        }
    }

    /// The end-to-end paragraph tower infers a new plot's vector with the same code as
    /// `ParagraphVectors.infer`: given the same output vectors and settings (no subsampling,
    /// 50 passes from 0.025, seed 0), the same bits; and a new plot lands near its topic.
    func testParagraphTowerInfersAsParagraphVectorsDo() throws {
        let (docs, topic) = try topics(seed: 2)
        let vocab = try Vocabulary(documents: docs)
        let encoded = docs.map { vocab.encode($0) }
        var o = options(epochs: 10)
        o.seed = 0
        let pv = try ParagraphVectors(documents: encoded, vocabulary: vocab, options: o)
        let text = TextEncoder(vocabulary: vocab, tfidf: TFIDF(documents: docs, vocabulary: vocab))
        let tower = try ParagraphTower(sequences: encoded, vocabulary: vocab, dim: o.dim, weight: 1, negatives: o.negatives,
                                       text: text, rng: RandomSource(seed: 1))
        tower.wordOutputs.value.pointer.update(from: pv.outputs.pointer, count: pv.outputs.count)
        let context = TowerContext(training: false, rng: RandomSource(seed: 0))
        for k in [0, 1, 7] {
            let plot = docs[k].joined(separator: " ")
            XCTAssertEqual(try tower.encodeNew(plot, context).value.scalars, pv.infer(encoded[k], epochs: 50), "document \(k)")
        }
        // And it means something: a new topic-0 plot lands nearer the topic-0 documents.
        let query = try tower.encodeNew("sun1 sun2 sun3 sun4 sun5 sun6 sun7 sun8", context).value.scalars
        var near: [Float] = [0, 0]
        for k in 0..<docs.count {
            query.withUnsafeBufferPointer { near[topic[k]] += cosine($0.baseAddress!, pv.documentVectors.pointer + k * o.dim, o.dim) }
        }
        XCTAssertGreaterThan(near[0], near[1], "\(near)")
    }

    func testSameSeedSameVectors() throws {
        let (docs, _) = try topics(seed: 3)
        let vocab = try Vocabulary(documents: docs)
        let encoded = docs.map { vocab.encode($0) }
        let a = try ParagraphVectors(documents: encoded, vocabulary: vocab, options: options(epochs: 2))
        let b = try ParagraphVectors(documents: encoded, vocabulary: vocab, options: options(epochs: 2))
        XCTAssertEqual(a.documentVectors.scalars, b.documentVectors.scalars)
        XCTAssertThrowsError(try ParagraphVectors(documents: [], vocabulary: vocab))
        var bad = options(epochs: 1); bad.dim = 0
        XCTAssertThrowsError(try Word2Vec(documents: encoded, vocabulary: vocab, options: bad))
    }

    /// The starting scale (word2vec.c's ±0.5/dim by default, gensim's ±1/dim on request) sets the
    /// draw of every vector: a document without words is never trained, so it keeps its start,
    /// which doubles exactly with the scale. A scale that is not a positive number is refused.
    func testStartingScale() throws {
        let (docs, _) = try topics(seed: 3)
        let vocab = try Vocabulary(documents: docs)
        let encoded = docs.map { vocab.encode($0) } + [[]]
        var wide = options(epochs: 1); wide.initialScale = 1
        let a = try ParagraphVectors(documents: encoded, vocabulary: vocab, options: options(epochs: 1))
        let b = try ParagraphVectors(documents: encoded, vocabulary: vocab, options: wide)
        let last = encoded.count - 1, d = a.options.dim
        let start = (0..<d).map { a.documentVectors[last, $0] }, wider = (0..<d).map { b.documentVectors[last, $0] }
        XCTAssertEqual(wider, start.map { 2 * $0 })
        XCTAssertLessThanOrEqual(start.map(abs).max() ?? 0, 0.5 / Float(d))
        for bad: Float in [0, -1, .nan, .infinity] {
            var o = options(epochs: 1); o.initialScale = bad
            XCTAssertThrowsError(try ParagraphVectors(documents: encoded, vocabulary: vocab, options: o))
        }
    }

    /// On the real plots, PV-DBOW (with word vectors trained alongside) puts documents that
    /// share a MovieLens genre closer together than documents that share none — and clearly
    /// more than when genres are shuffled.
    func testGenreSeparationOnRealPlots() throws {
        let ml = try MovieLens.load(directory: dataPath("ml-100k"), plots: dataPath("ml-100k/plots.tsv"))
        let items = ml.plots.indices.filter { ml.plots[$0] != nil }
        let tokens = items.map { Tokenizer().tokens(ml.plots[$0]!) }
        let vocab = try Vocabulary(documents: tokens, minCount: 2)
        var o = EmbeddingTraining()
        o.dim = 32; o.epochs = 10
        let pv = try ParagraphVectors(documents: tokens.map { vocab.encode($0) }, vocabulary: vocab, trainWords: true, options: o)
        let genres = items.map { ml.genres[$0] }
        let real = try GenreSeparation.score(pv.documentVectors, genres: genres)
        var shuffled = genres
        RandomSource(seed: 5).shuffle(&shuffled)
        let chance = try GenreSeparation.score(pv.documentVectors, genres: shuffled)
        print("genre separation on ML-100K plots: \(real.separation) (shuffled genres: \(chance.separation))")
        XCTAssertGreaterThan(real.separation, 0.01)
        XCTAssertGreaterThan(real.separation, chance.separation + 0.01)
    }
}
