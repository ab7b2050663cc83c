import Foundation
import Model

/// `rec bench pv`: PV-DBOW (dim 100, window 5, 5 negatives, subsampling 1e-3) on one thread
/// over the ML-100K plots (`ml-100k/plots.tsv` in the data directory), or with
/// `--synthetic-words N` over a seeded synthetic corpus of at least N words with the plots'
/// statistics (`SyntheticPlots`); tokenized and kept to words seen at least twice. Figure:
/// corpus words per second of training. It also prints the genre separation of the learned
/// vectors (over the first `separationSample` documents: all pairs of a large corpus would
/// not fit in memory), and writes the corpus and genres for scripts/bench-pv-gensim.py when
/// `--export DIR` is given.
struct ParagraphVectorBenchmark {
    let dataDirectory: String
    let epochs: Int
    let export: String?
    let syntheticWords: Int?
    /// The training seed (`--seed`): the separation moves a little from seed to seed.
    let seed: UInt64
    /// Vectors start in ±initialScale/dim (`--init-scale`; gensim's Doc2Vec starts at 1).
    let initialScale: Double
    static let separationSample = 2000
    static let syntheticSeed: UInt64 = 1

    func run(json: Bool) throws {
        let (tokens, genres, label) = try corpus()
        let vocab = try Vocabulary(documents: tokens, minCount: 2)
        let encoded = tokens.map { vocab.encode($0) }
        let words = encoded.reduce(0) { $0 + $1.count }
        print("corpus: \(label), \(encoded.count) documents, \(words) words (vocabulary \(vocab.count), min count 2)")
        if let export { try write(encoded, vocab: vocab, genres: genres, to: export) }

        var options = EmbeddingTraining()
        options.dim = 100; options.window = 5; options.negatives = 5; options.epochs = epochs; options.sample = 1e-3
        options.seed = seed
        options.initialScale = Float(initialScale)
        let start = DispatchTime.now().uptimeNanoseconds
        let pv = try ParagraphVectors(documents: encoded, vocabulary: vocab, method: .dbow, options: options)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let rate = Double(words * epochs) / seconds
        let sample = Swift.min(encoded.count, Self.separationSample)
        let g = try GenreSeparation.score(pv.documentVectors.rows(0..<sample), genres: Array(genres[0..<sample]))
        print(String(format: "PV-DBOW: %d epochs in %.2f s; genre separation %.4f (same-genre cosine %.4f, other %.4f; first %d documents)",
                     epochs, seconds, g.separation, g.same, g.different, sample))
        if json {
            print(jsonLine([("bench", "pv"), ("documents", encoded.count), ("words", words), ("epochs", epochs),
                            ("seed", Int(seed)), ("init_scale", initialScale), ("train_sec", seconds), ("words_per_sec", rate), ("genre_separation", Places(g.separation, 5))]))
        }
        print("pv: \(Int(rate.rounded())) words/s")
    }

    /// The ML-100K plots' tokens and genres, or a synthetic corpus made from them.
    private func corpus() throws -> (tokens: [[String]], genres: [[String]], label: String) {
        let dir = (dataDirectory as NSString).appendingPathComponent("ml-100k")
        let ml = try MovieLens.load(directory: dir, plots: (dir as NSString).appendingPathComponent("plots.tsv"))
        let tokenizer = Tokenizer()
        let docs = ml.plots.indices.compactMap { i in ml.plots[i].map { (i, tokenizer.tokens($0)) } }
        let tokens = docs.map(\.1), genres = docs.map { ml.genres[$0.0] }
        guard let syntheticWords else { return (tokens, genres, "ML-100K plots") }
        let synthetic = try SyntheticPlots(real: tokens, genres: genres, words: syntheticWords, seed: Self.syntheticSeed)
        let label = String(format: "synthetic, the ML-100K plots' statistics (genre share %.3f, seed %d)",
                           synthetic.genreShare, Self.syntheticSeed)
        return (synthetic.documents, synthetic.genres, label)
    }

    /// One document per line (space-separated words) and its genres (`|`-separated).
    func write(_ docs: [[Int32]], vocab: Vocabulary, genres: [[String]], to dir: String) throws {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let corpus = docs.map { $0.map { vocab.words[Int($0)] }.joined(separator: " ") }.joined(separator: "\n") + "\n"
        try corpus.write(toFile: (dir as NSString).appendingPathComponent("corpus.txt"), atomically: true, encoding: .utf8)
        let g = genres.map { $0.joined(separator: "|") }.joined(separator: "\n") + "\n"
        try g.write(toFile: (dir as NSString).appendingPathComponent("genres.txt"), atomically: true, encoding: .utf8)
    }
}

/// A number for `jsonLine` with more places than its three for a Double: separations at a
/// large corpus are a few ten-thousandths.
struct Places: CustomStringConvertible {
    let value: Double, places: Int
    init(_ value: Double, _ places: Int) { (self.value, self.places) = (value, places) }
    var description: String { String(format: "%.\(places)f", value) }
}
