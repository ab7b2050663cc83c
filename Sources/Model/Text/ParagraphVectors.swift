/// Paragraph vectors (Le & Mikolov 2014), trained with negative sampling:
/// - PV-DBOW: a document's vector predicts each of its words (optionally training word
///   vectors alongside with skip-gram, as gensim's `dbow_words`);
/// - PV-DM: the mean of the document's vector and the vectors of the words around a
///   position predicts the word there (word2vec.c's CBOW convention: every input gets the
///   whole gradient step).
/// `infer` learns a vector for a text not seen in training with everything else frozen:
/// the cold-start case.
public final class ParagraphVectors {
    public enum Method: String, Sendable, CaseIterable { case dbow, dm }

    public let method: Method
    public let vocabulary: Vocabulary
    public let options: EmbeddingTraining
    public let trainWords: Bool
    /// One row per training document.
    public let documentVectors: Tensor
    public let wordVectors: Tensor
    let outputs: Tensor
    private let sampler: AliasSampler
    private let subsampler: Subsampler

    public init(documents: [[Int32]], vocabulary: Vocabulary, method: Method = .dbow, trainWords: Bool = false,
                options: EmbeddingTraining = .init(),
                monitor: (any ProgressMonitor)? = nil) throws {
        try options.validate("paragraph vectors")
        guard vocabulary.count > 0 else { throw ModelError("paragraph vectors", "the vocabulary is empty") }
        guard !documents.isEmpty else { throw ModelError("paragraph vectors", "no documents to train on") }
        self.method = method
        self.vocabulary = vocabulary
        self.options = options
        self.trainWords = trainWords
        let rng = RandomSource(seed: options.seed)
        let d = options.dim
        let scale = options.initialScale / Float(d)
        wordVectors = try Tensor.uniform(Shape(vocabulary.count, d), low: -scale, high: scale, rng: rng)
        documentVectors = try Tensor.uniform(Shape(documents.count, d), low: -scale, high: scale, rng: rng)
        outputs = Tensor(zeros: Shape(vocabulary.count, d))
        sampler = AliasSampler(counts: vocabulary.counts)
        subsampler = Subsampler(counts: vocabulary.counts, threshold: options.sample)
        let words = documents.reduce(0) { $0 + $1.count }
        let decay = LinearDecay(start: options.learningRate, end: options.minLearningRate,
                                total: Double(words) * Double(options.epochs))
        let step = NegativeSamplingStep(output: outputs.pointer, dim: d, negatives: options.negatives, sampler: sampler, rng: rng)
        let work = Workspace(dim: d)
        var kept: [Int32] = []
        var done = 0
        var pacer = ProgressPacer(monitor, "\(options.epochs) epochs of paragraph vectors", options: options, words: words)
        for epoch in 0..<options.epochs {
            try monitor?.advance(Double(epoch) / Double(options.epochs), pacer.label)
            for (k, doc) in documents.enumerated() {
                subsampler.filter(doc, rng: rng, into: &kept)
                let lr = decay.rate(after: done)
                train(kept, document: documentVectors.pointer + k * d, lr: lr, step: step, work: work,
                      rng: rng, updateWords: true)
                done += doc.count
                try pacer.step(kept.count, done: done)
            }
        }
    }

    /// A trained model as saved (`ParagraphVectorsFile`): inference gives the same vectors.
    init(method: Method, vocabulary: Vocabulary, options: EmbeddingTraining, trainWords: Bool,
         documentVectors: Tensor, wordVectors: Tensor, outputs: Tensor) throws {
        try options.validate("paragraph vectors")
        let words = Shape(vocabulary.count, options.dim)
        guard vocabulary.count > 0, wordVectors.shape == words, outputs.shape == words,
              documentVectors.rank == 2, documentVectors.shape[1] == options.dim else {
            throw ModelError("paragraph vectors", "saved vectors do not fit \(vocabulary.count) words × \(options.dim)")
        }
        self.method = method
        self.vocabulary = vocabulary
        self.options = options
        self.trainWords = trainWords
        self.documentVectors = documentVectors
        self.wordVectors = wordVectors
        self.outputs = outputs
        sampler = AliasSampler(counts: vocabulary.counts)
        subsampler = Subsampler(counts: vocabulary.counts, threshold: options.sample)
    }

    public var dim: Int { options.dim }

    /// Scratch vectors reused across steps (no allocation per word).
    final class Workspace {
        let neu1e: UnsafeMutablePointer<Float>, mean: UnsafeMutablePointer<Float>
        init(dim: Int) {
            neu1e = .allocate(capacity: dim)
            mean = .allocate(capacity: dim)
        }
        deinit { neu1e.deallocate(); mean.deallocate() }
    }

    /// One pass over one document's (subsampled) words.
    private func train(_ words: [Int32], document doc: UnsafeMutablePointer<Float>, lr: Float,
                       step: NegativeSamplingStep, work: Workspace, rng: RandomSource, updateWords: Bool) {
        let d = options.dim, neu1e = work.neu1e
        switch method {
        case .dbow:
            step.dbow(words, document: doc, lr: lr, neu1e: neu1e)
            if trainWords && updateWords {
                SkipGram.train(words, window: options.window, lr: lr, inputs: wordVectors.pointer, step: step, neu1e: neu1e, rng: rng)
            }
        case .dm:
            let mean = work.mean, inputs = wordVectors.pointer
            for (i, w) in words.enumerated() {
                let reduced = options.window - rng.below(options.window)
                let lo = Swift.max(0, i - reduced), hi = Swift.min(words.count - 1, i + reduced)
                mean.update(from: doc, count: d)
                var n: Float = 1
                for j in lo...hi where j != i {
                    Kernels.add(inputs + Int(words[j]) * d, into: mean, d)
                    n += 1
                }
                for k in 0..<d { mean[k] /= n }
                neu1e.update(repeating: 0, count: d)
                step.run(mean, target: w, lr: lr, neu1e: neu1e)
                Kernels.add(neu1e, into: doc, d)
                if updateWords {
                    for j in lo...hi where j != i { Kernels.add(neu1e, into: inputs + Int(words[j]) * d, d) }
                }
            }
        }
    }

    /// A vector for a new text (word ids): a fresh document vector trained for `epochs` passes
    /// (default: as many as in training) with the word and output vectors frozen. The same
    /// text always gets the same vector.
    public func infer(_ words: [Int32], epochs: Int? = nil) -> [Float] {
        let inference = DocumentInference(outputs: outputs.pointer, dim: options.dim, negatives: options.negatives,
                                          sampler: sampler, subsampler: subsampler, learningRate: options.learningRate,
                                          minLearningRate: options.minLearningRate, seed: options.seed)
        let work = Workspace(dim: options.dim)
        return inference.infer(words, passes: epochs ?? options.epochs) { kept, doc, lr, step, rng in
            self.train(kept, document: doc, lr: lr, step: step, work: work, rng: rng, updateWords: false)
        }
    }
}

extension ParagraphVectors: CustomStringConvertible {
    public var description: String {
        "ParagraphVectors(\(method.rawValue), \(documentVectors.shape[0]) documents × \(dim), "
            + "\(vocabulary.count) words, \(options.epochs) epochs)"
    }
}
