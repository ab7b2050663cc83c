import Foundation
import Model

/// `rec bench pv`: PV-DBOW (dim 100, window 5, 5 negatives, subsampling 1e-3) on one thread
/// over the ML-100K plots (`ml-100k/plots.tsv` in the data directory), tokenized and kept to
/// words seen at least twice; figure: corpus words per second of training. It also prints
/// the genre separation of the learned vectors, and writes the corpus and genres for
/// scripts/bench-pv-gensim.py when `--export DIR` is given.
struct ParagraphVectorBenchmark {
    let dataDirectory: String
    let epochs: Int
    let export: String?

    func run(json: Bool) throws {
        let dir = (dataDirectory as NSString).appendingPathComponent("ml-100k")
        let ml = try MovieLens.load(directory: dir, plots: (dir as NSString).appendingPathComponent("plots.tsv"))
        let tokenizer = Tokenizer()
        let docs = ml.plots.indices.compactMap { i in ml.plots[i].map { (i, tokenizer.tokens($0)) } }
        let vocab = try Vocabulary(documents: docs.map(\.1), minCount: 2)
        let encoded = docs.map { vocab.encode($0.1) }
        let genres = docs.map { ml.genres[$0.0] }
        let words = encoded.reduce(0) { $0 + $1.count }
        print("corpus: ML-100K plots, \(encoded.count) documents, \(words) words (vocabulary \(vocab.count), min count 2)")
        if let export { try write(encoded, vocab: vocab, genres: genres, to: export) }

        var options = EmbeddingTraining()
        options.dim = 100; options.window = 5; options.negatives = 5; options.epochs = epochs; options.sample = 1e-3
        let start = DispatchTime.now().uptimeNanoseconds
        let pv = try ParagraphVectors(documents: encoded, vocabulary: vocab, method: .dbow, options: options)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let rate = Double(words * epochs) / seconds
        let g = try GenreSeparation.score(pv.documentVectors, genres: genres)
        print(String(format: "PV-DBOW: %d epochs in %.2f s; genre separation %.4f (same-genre cosine %.4f, other %.4f)",
                     epochs, seconds, g.separation, g.same, g.different))
        if json {
            print(jsonLine([("bench", "pv"), ("epochs", epochs), ("train_sec", seconds), ("words_per_sec", rate),
                            ("genre_separation", g.separation)]))
        }
        print("pv: \(Int(rate.rounded())) words/s")
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
