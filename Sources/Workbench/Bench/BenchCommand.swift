import ArgumentParser
import Foundation
import Model

/// `rec bench NAME`: prints progress, then (last line) `NAME: <figure> <unit>`.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Run a benchmark; the last line reads `NAME: <figure> <unit>`.")

    enum Name: String, ExpressibleByArgument, CaseIterable {
        case train, script, score, pv, vectors, evaluate, scale, products
    }

    @Argument(help: "Which benchmark: \(Name.allCases.map(\.rawValue).joined(separator: ", ")).")
    var name: Name

    @Option(help: "Loss for `train`: bpr, listwise or wmse.")
    var loss: ReferenceTraining.LossKind = .bpr

    @Option(help: "Timed batches for `train` and `evaluate`'s epoch (default: one full epoch).")
    var batches: Int?

    @Option(help: "Data shape for `evaluate` (default ml1m) and `scale` (default ml20m): ml1m, ml10m or ml20m.")
    var shape: EvaluateBenchmark.ShapeName?

    @Option(help: "For `scale`: write the synthetic dataset to this directory and leave it there.")
    var keep: String?

    @Option(help: "Epochs for `pv`.")
    var epochs: Int = 20

    @Option(help: "For `pv`: also write the corpus and genres to this directory (for scripts/bench-pv-gensim.py).")
    var export: String?

    @Option(help: "For `pv`: train on a seeded synthetic corpus of at least this many words with the ML-100K plots' statistics.")
    var syntheticWords: Int?

    @Option(help: "For `pv`: vectors start uniform in ±SCALE/dim (rec: 0.5, as word2vec.c; gensim's Doc2Vec: 1).")
    var initScale: Double = 0.5

    @Flag(help: "For `script`: write BPR by hand (sample, then mean(softplus(s.neg - s.pos))).")
    var byHand = false

    @Flag(help: "Also print the measurements as one JSON line.")
    var json = false

    @OptionGroup var common: CommonOptions

    func validate() throws {
        if let b = batches, b < 1 { throw ValidationError("--batches must be at least 1") }
        if epochs < 1 { throw ValidationError("--epochs must be at least 1") }
        if let w = syntheticWords, w < 1 { throw ValidationError("--synthetic-words must be at least 1") }
        if !(initScale > 0 && initScale.isFinite) { throw ValidationError("--init-scale must be a positive number") }
    }

    func run() throws {
        let threads = common.applyThreads()
        #if DEBUG
        printError("note: a debug build; measure with `swift run -c release rec bench …`")
        #endif
        if let note = BLAS.kernelsNote { printError("note: \(note)") }
        switch name {
        case .train: try TrainBenchmark(loss: loss, batches: batches, threads: common.threads).run(json: json)
        case .products: try ProductsBenchmark().run(json: json)
        case .script: try ScriptBenchmark(byHand: byHand, threads: threads).run(json: json)
        case .evaluate: try EvaluateBenchmark(shape: shape ?? .ml1m, batches: batches).run(json: json)
        case .scale: try ScaleBenchmark(shape: shape ?? .ml20m, batches: batches, threads: common.threads, keep: keep).run(json: json)
        case .score: try ScoreBenchmark(threads: common.threads).run(json: json)
        case .vectors: try VectorLoadBenchmark(dataDirectory: common.dataDirectory).run(json: json)
        case .pv: try ParagraphVectorBenchmark(dataDirectory: common.dataDirectory, epochs: epochs, export: export,
                                                           syntheticWords: syntheticWords, seed: common.seed,
                                                           initialScale: initScale).run(json: json)
        }
    }
}

extension ReferenceTraining.LossKind: ExpressibleByArgument {}

/// Formats a measurement as one JSON object line.
func jsonLine(_ fields: [(String, Any)]) -> String {
    "{" + fields.map { key, value in
        let v: String
        switch value {
        case let s as String: v = "\"\(s)\""
        case let d as Double: v = String(format: "%.3f", d)
        default: v = "\(value)"
        }
        return "\"\(key)\": \(v)"
    }.joined(separator: ", ") + "}"
}
