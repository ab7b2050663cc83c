/// Skip-gram word2vec with negative sampling, frequent-word subsampling and a linearly
/// decaying learning rate, trained on documents given as word ids (word2vec.c's update
/// order, one thread, so the same seed gives the same vectors).
public final class Word2Vec {
    public let vocabulary: Vocabulary
    /// Input vectors: the word vectors, [vocabulary, dim].
    public let vectors: Tensor
    /// Output (context) vectors used by negative sampling.
    let outputs: Tensor
    public let options: EmbeddingTraining

    public init(documents: [[Int32]], vocabulary: Vocabulary, options: EmbeddingTraining = .init(),
                monitor: (any ProgressMonitor)? = nil) throws {
        try options.validate("word2vec")
        guard vocabulary.count > 0 else { throw ModelError("word2vec", "the vocabulary is empty") }
        self.vocabulary = vocabulary
        self.options = options
        let rng = RandomSource(seed: options.seed)
        let d = options.dim
        vectors = try Tensor.uniform(Shape(vocabulary.count, d), low: -0.5 / Float(d), high: 0.5 / Float(d), rng: rng)
        outputs = Tensor(zeros: Shape(vocabulary.count, d))
        let step = NegativeSamplingStep(output: outputs.pointer, dim: d, negatives: options.negatives,
                                        sampler: AliasSampler(counts: vocabulary.counts), rng: rng)
        let sub = Subsampler(counts: vocabulary.counts, threshold: options.sample)
        let words = documents.reduce(0) { $0 + $1.count }
        let decay = LinearDecay(start: options.learningRate, end: options.minLearningRate,
                                total: Double(words) * Double(options.epochs))
        let neu1e = Tensor(zeros: Shape(d))
        var kept: [Int32] = []
        var done = 0
        var pacer = ProgressPacer(monitor, "\(options.epochs) epochs of word2vec", options: options, words: words)
        for epoch in 0..<options.epochs {
            try monitor?.advance(Double(epoch) / Double(options.epochs), pacer.label)
            for doc in documents {
                sub.filter(doc, rng: rng, into: &kept)
                let lr = decay.rate(after: done)
                SkipGram.train(kept, window: options.window, lr: lr, inputs: vectors.pointer, step: step, neu1e: neu1e.pointer, rng: rng)
                done += doc.count
                try pacer.step(kept.count, done: done)
            }
        }
    }

    public var dim: Int { options.dim }
}

/// Skip-gram over one sentence: each context word's input vector predicts the centre word.
enum SkipGram {
    static func train(_ sentence: [Int32], window: Int, lr: Float, inputs: UnsafeMutablePointer<Float>,
                      step: NegativeSamplingStep, neu1e: UnsafeMutablePointer<Float>, rng: RandomSource) {
        let d = step.dim
        for (i, w) in sentence.enumerated() {
            let reduced = window - rng.below(window)  // word2vec's random window shrink
            for j in Swift.max(0, i - reduced)...Swift.min(sentence.count - 1, i + reduced) where j != i {
                let l1 = inputs + Int(sentence[j]) * d
                neu1e.update(repeating: 0, count: d)
                step.run(l1, target: w, lr: lr, neu1e: neu1e)
                Kernels.add(neu1e, into: l1, d)
            }
        }
    }
}
