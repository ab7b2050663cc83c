#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Draws word ids in proportion to count^0.75 (the word2vec noise distribution) in O(1):
/// Walker's alias method, two small arrays instead of word2vec's 100M-entry table.
struct AliasSampler {
    private let probability: [Float]
    private let alias: [Int32]

    init(counts: [Int], power: Double = 0.75) {
        let n = counts.count
        let weights = counts.map { pow(Double($0), power) }
        let total = weights.reduce(0, +)
        var scaled = weights.map { $0 * Double(n) / total }
        var prob = [Float](repeating: 1, count: n), al = [Int32](repeating: 0, count: n)
        var small = (0..<n).filter { scaled[$0] < 1 }, large = (0..<n).filter { scaled[$0] >= 1 }
        while let s = small.popLast(), let l = large.last {
            prob[s] = Float(scaled[s])
            al[s] = Int32(l)
            scaled[l] -= 1 - scaled[s]
            if scaled[l] < 1 { large.removeLast(); small.append(l) }
        }
        for i in large + small { prob[i] = 1; al[i] = Int32(i) }
        probability = prob
        alias = al
    }

    @inline(__always)
    func sample(_ rng: RandomSource) -> Int32 {
        let r = rng.next()
        let i = Int((UInt64(UInt32(truncatingIfNeeded: r)) &* UInt64(probability.count)) >> 32)
        let u = Float(r >> 40) * 0x1p-24
        return u < probability[i] ? Int32(i) : alias[i]
    }
}

/// The shared step of word2vec and paragraph vectors: one input vector `l1` predicts a
/// target word against `negatives` noise words (logistic loss), updating the output
/// vectors in place and adding the input's gradient step into `neu1e`.
struct NegativeSamplingStep {
    let output: UnsafeMutablePointer<Float>   // [vocabulary, dim]
    let dim: Int
    let negatives: Int
    let sampler: AliasSampler
    let rng: RandomSource
    /// False for inference: the output vectors stay as trained.
    let updatesOutputs: Bool
    private let sigmoid: [Float]

    static let maxExp: Float = 6
    static let tableSize = 1000

    init(output: UnsafeMutablePointer<Float>, dim: Int, negatives: Int, sampler: AliasSampler, rng: RandomSource,
         updatesOutputs: Bool = true) {
        self.output = output
        self.updatesOutputs = updatesOutputs
        self.dim = dim
        self.negatives = negatives
        self.sampler = sampler
        self.rng = rng
        // σ on a grid over [-6, 6), as word2vec does: the step is cheap and the same everywhere.
        sigmoid = (0..<Self.tableSize).map { k in
            let x = (Float(k) / Float(Self.tableSize) * 2 - 1) * Self.maxExp
            return 1 / (1 + expf(-x))
        }
    }

    /// The noise words are drawn first (the same draws, in the same order, as one at a time)
    /// so that their rows, random rows of the output matrix, are fetched from memory side by
    /// side rather than one miss after another.
    @inline(__always)
    func run(_ l1: UnsafePointer<Float>, target: Int32, lr: Float, neu1e: UnsafeMutablePointer<Float>) {
        withUnsafeTemporaryAllocation(of: Int32.self, capacity: negatives + 1) { words in
            words[0] = target
            for k in 1...negatives {
                let w = sampler.sample(rng)
                words[k] = w
                Kernels.prefetch(output + Int(w) * dim, dim)
            }
            for k in 0...negatives {
                let word = words[k]
                if k > 0 && word == target { continue }
                update(l1, row: output + Int(word) * dim, label: k == 0 ? 1 : 0, lr: lr, neu1e: neu1e)
            }
        }
    }

    /// One logistic step of the input against one output row.
    @inline(__always)
    private func update(_ l1: UnsafePointer<Float>, row out: UnsafeMutablePointer<Float>, label: Float, lr: Float,
                        neu1e: UnsafeMutablePointer<Float>) {
        let f = Kernels.dot(l1, out, dim)
        let g: Float
        if f > Self.maxExp {
            g = (label - 1) * lr
        } else if f >= -Self.maxExp {  // false for NaN too: Int(NaN) below would trap
            let idx = Int((f + Self.maxExp) * (Float(Self.tableSize) / Self.maxExp / 2))
            g = (label - sigmoid[Swift.min(idx, Self.tableSize - 1)]) * lr
        } else {
            g = label * lr
        }
        if updatesOutputs {
            Kernels.crossUpdate(g, input: l1, out: out, grad: neu1e, dim)
        } else {
            Kernels.axpy(g, out, neu1e, dim)
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

    public init() {}

    func validate(_ op: String) throws {
        guard dim > 0, window > 0, negatives >= 1, epochs >= 1, learningRate > 0 else {
            throw ModelError(op, "dim, window, negatives, epochs and the learning rate must be positive")
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
