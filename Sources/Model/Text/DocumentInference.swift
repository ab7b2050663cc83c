/// Paragraph-vector inference, the one implementation behind `ParagraphVectors.infer` and
/// `ParagraphTower.encodeNew`: a fresh document vector for a text not seen in training,
/// trained on its words with every other vector frozen (the cold-start case).
/// - The start is drawn from a seed made of the text itself (FNV-1a over its word ids) mixed
///   with the model's seed: the same text always gets the same vector.
/// - Each pass runs over the words kept by subsampling (when the model trained with it) at a
///   learning rate decaying linearly from `learningRate` to `minLearningRate`.
struct DocumentInference {
    /// The trained output (context) vectors, [vocabulary, dim]: read, never written.
    let outputs: UnsafeMutablePointer<Float>
    let dim: Int
    let negatives: Int
    let sampler: AliasSampler
    /// nil: every word is kept (a model trained without subsampling).
    let subsampler: Subsampler?
    let learningRate: Float, minLearningRate: Float
    let seed: UInt64

    /// One pass of training the document vector `doc` on the kept words (PV-DBOW by default;
    /// PV-DM passes its own).
    typealias Pass = (_ words: [Int32], _ doc: UnsafeMutablePointer<Float>, _ lr: Float, _ step: NegativeSamplingStep,
                      _ rng: RandomSource) -> Void

    func infer(_ words: [Int32], passes: Int, pass: Pass? = nil) -> [Float] {
        var textSeed: UInt64 = 0xCBF2_9CE4_8422_2325
        for w in words { textSeed = (textSeed ^ UInt64(UInt32(bitPattern: w))) &* 0x100_0000_01B3 }
        let rng = RandomSource(seed: textSeed ^ seed)
        let doc = UnsafeMutablePointer<Float>.allocate(capacity: dim)
        defer { doc.deallocate() }
        let scale = 0.5 / Float(dim)
        rng.fillUniform(doc, count: dim, low: -scale, high: scale)
        let step = NegativeSamplingStep(output: outputs, dim: dim, negatives: negatives, sampler: sampler,
                                        rng: rng, updatesOutputs: false)
        let neu1e = UnsafeMutablePointer<Float>.allocate(capacity: dim)
        defer { neu1e.deallocate() }
        let decay = LinearDecay(start: learningRate, end: minLearningRate, total: Double(passes))
        var kept: [Int32] = []
        for p in 0..<passes {
            if let subsampler { subsampler.filter(words, rng: rng, into: &kept) } else { kept = words }
            let lr = decay.rate(after: p)
            if let pass { pass(kept, doc, lr, step, rng) } else { step.dbow(kept, document: doc, lr: lr, neu1e: neu1e) }
        }
        return Array(UnsafeBufferPointer(start: doc, count: dim))
    }
}
