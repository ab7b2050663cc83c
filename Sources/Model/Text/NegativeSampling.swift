import CKernels
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Draws word ids in proportion to count^0.75 (the word2vec noise distribution) in O(1):
/// Walker's alias method, two small tables instead of word2vec's 100M-entry one. The tables
/// live in buffers of their own, so the C step (rk_ns_step) reads them where they are.
final class AliasSampler: @unchecked Sendable {  // never written after init
    let count: Int
    let probability: UnsafeMutableBufferPointer<Float>
    let alias: UnsafeMutableBufferPointer<Int32>

    init(counts: [Int], power: Double = 0.75) {
        let n = counts.count
        let weights = counts.map { pow(Double($0), power) }
        let total = weights.reduce(0, +)
        var scaled = weights.map { $0 * Double(n) / total }
        count = n
        probability = .allocate(capacity: n)
        probability.initialize(repeating: 1)
        alias = .allocate(capacity: n)
        alias.initialize(repeating: 0)
        var small = (0..<n).filter { scaled[$0] < 1 }, large = (0..<n).filter { scaled[$0] >= 1 }
        while let s = small.popLast(), let l = large.last {
            probability[s] = Float(scaled[s])
            alias[s] = Int32(l)
            scaled[l] -= 1 - scaled[s]
            if scaled[l] < 1 { large.removeLast(); small.append(l) }
        }
        for i in large + small { probability[i] = 1; alias[i] = Int32(i) }
    }

    deinit {
        probability.deallocate()
        alias.deallocate()
    }

    /// One draw (`rk_draw_alias`, which draws runs of them).
    func sample(_ rng: RandomSource) -> Int32 {
        var drawn: Int32 = 0
        rng.withStateWords { rk_draw_alias($0, probability.baseAddress, alias.baseAddress, Int64(count), &drawn, 1) }
        return drawn
    }
}

/// The shared step of word2vec and paragraph vectors: one input vector `l1` predicts a
/// target word against `negatives` noise words (logistic loss with σ from word2vec's table),
/// updating the output vectors in place and adding the input's gradient step into `neu1e`.
/// The loops run in C (rk_ns_step, rk_ns_dbow: full width on every CPU, the same numbers on
/// each); the noise words come from `rng`'s stream.
struct NegativeSamplingStep {
    let output: UnsafeMutablePointer<Float>   // [vocabulary, dim]
    let dim: Int
    let negatives: Int
    let sampler: AliasSampler
    let rng: RandomSource
    /// False for inference: the output vectors stay as trained.
    let updatesOutputs: Bool

    init(output: UnsafeMutablePointer<Float>, dim: Int, negatives: Int, sampler: AliasSampler, rng: RandomSource,
         updatesOutputs: Bool = true) {
        self.output = output
        self.updatesOutputs = updatesOutputs
        self.dim = dim
        self.negatives = negatives
        self.sampler = sampler
        self.rng = rng
    }

    /// σ on a grid over [-6, 6), as word2vec has it: the step is cheap and the same everywhere.
    nonisolated(unsafe) private static let sigmoid: UnsafeMutablePointer<Float> = {
        let size = Int(RK_SIGMOID_SIZE), maxExp = Float(RK_SIGMOID_MAX)
        let table = UnsafeMutablePointer<Float>.allocate(capacity: size)
        for k in 0..<size {
            let x = (Float(k) / Float(size) * 2 - 1) * maxExp
            table[k] = 1 / (1 + expf(-x))
        }
        return table
    }()

    /// The model as the C step sees it (its pointers stay valid while `sampler` lives).
    private var model: rk_negative_sampling {
        rk_negative_sampling(output: output, probability: sampler.probability.baseAddress,
                             alias: sampler.alias.baseAddress, sigmoid: Self.sigmoid, words: Int64(sampler.count),
                             dim: Int64(dim), negatives: Int64(negatives), updates_outputs: updatesOutputs ? 1 : 0)
    }

    /// One step: l1 predicts `target`; its gradient step is added into neu1e.
    func run(_ l1: UnsafePointer<Float>, target: Int32, lr: Float, neu1e: UnsafeMutablePointer<Float>) {
        var m = model
        withExtendedLifetime(sampler) {
            rng.withStateWords { rk_ns_step(&m, $0, l1, target, lr, neu1e) }
        }
    }

    /// PV-DBOW over a document's words: `doc` predicts each word in turn and takes its step
    /// after each (neu1e is scratch of `dim` floats).
    func dbow(_ words: [Int32], document doc: UnsafeMutablePointer<Float>, lr: Float,
              neu1e: UnsafeMutablePointer<Float>) {
        var m = model
        withExtendedLifetime(sampler) {
            words.withUnsafeBufferPointer { w in
                rng.withStateWords { rk_ns_dbow(&m, $0, w.baseAddress, Int64(w.count), doc, lr, neu1e) }
            }
        }
    }
}

/// Frequent-word subsampling (word2vec): a word of corpus frequency f is kept with
/// probability (√(f / (t·N)) + 1) · t·N / f, so very common words are mostly skipped.
struct Subsampler {
    let keep: [Float]

    init(counts: [Int], threshold: Double) {
        let total = Double(counts.reduce(0, +))
        keep = counts.map { c in
            guard threshold > 0, c > 0 else { return 1 }
            let r = threshold * total / Double(c)
            return Float(Swift.min(1, (r.squareRoot() + r)))
        }
    }

    /// The words of a document that survive this pass.
    func filter(_ doc: [Int32], rng: RandomSource, into out: inout [Int32]) {
        out.removeAll(keepingCapacity: true)
        for w in doc where keep[Int(w)] >= 1 || rng.uniform() < keep[Int(w)] { out.append(w) }
    }
}

/// Options shared by word2vec and paragraph vectors (defaults as in word2vec/gensim).
public struct EmbeddingTraining: Sendable {
    public var dim = 100
    public var window = 5
    public var negatives = 5
    public var epochs = 5
    public var learningRate: Float = 0.025
    public var minLearningRate: Float = 0.0001
    /// Subsampling threshold t (0 turns it off).
    public var sample = 1e-3
    public var seed: UInt64 = 1
    /// Paragraph vectors start uniform in ±initialScale/dim: word2vec.c's 0.5, gensim's Doc2Vec 1.
    /// The scale moves PV-DBOW's genre separation, so comparing with gensim needs the same one.
    public var initialScale: Float = 0.5

    public init() {}

    func validate(_ op: String) throws {
        guard dim > 0, window > 0, negatives >= 1, epochs >= 1, learningRate > 0 else {
            throw ModelError(op, "dim, window, negatives, epochs and the learning rate must be positive")
        }
        guard initialScale > 0, initialScale.isFinite else {
            throw ModelError(op, "the starting scale must be a positive number")
        }
    }
}

/// Reports progress (and so lets Ctrl-C stop the work) between documents, about every 2·10⁷
/// multiply-adds rather than once an epoch: an epoch with wide vectors or many negatives can
/// take minutes.
struct ProgressPacer {
    let monitor: (any ProgressMonitor)?
    let label: String
    let totalWords: Double
    /// Multiply-adds one word can cost at most: both sides of the window, each a positive and
    /// the negatives, over the full width (plus the document vector's own step).
    let costPerWord: Double
    private var pending = 0.0

    init(_ monitor: (any ProgressMonitor)?, _ label: String, options o: EmbeddingTraining, words: Int) {
        self.monitor = monitor
        self.label = label
        totalWords = Double(words) * Double(o.epochs)
        costPerWord = (2 * Double(o.window) + 1) * (Double(o.negatives) + 1) * Double(o.dim)
    }

    /// After a document of `words` words, with `done` words trained in all.
    mutating func step(_ words: Int, done: Int) throws {
        pending += Double(words) * costPerWord
        guard pending >= 2e7, let monitor else { return }
        pending = 0
        try monitor.advance(Double(done) / Swift.max(totalWords, 1), label)
    }
}

/// The learning rate decays linearly over all the words of all epochs.
struct LinearDecay {
    let start: Float, end: Float, total: Double
    func rate(after done: Int) -> Float {
        Swift.max(end, start - (start - end) * Float(Double(done) / Swift.max(total, 1)))
    }
}
