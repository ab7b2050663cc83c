/// The loss of one batch of (item, positive user) examples: the objective over the model's
/// scores against K negative users drawn for the batch and shared by it, plus the towers'
/// auxiliary losses. `fit` trains on it and `gradientCheck` checks its gradients: one
/// definition for both, so the check covers exactly what training runs.
struct BatchLoss {
    let model: ScoreModel
    let objective: Objective
    let sampler: UserSampler

    init(model: ScoreModel, objective: Objective, train: Events) {
        self.model = model
        self.objective = objective
        sampler = UserSampler(objective.sampler, users: model.users, train: train)
    }

    /// The batch's loss graph. Its randomness (the negatives, into the reused `negatives`,
    /// then dropout masks and auxiliary samples) comes from `rng` in that order.
    func callAsFunction(items: [Int32], positives: [Int32], negatives: inout [Int32], rng: RandomSource) throws -> Variable {
        sampler.draw(objective.negatives, into: &negatives, rng: rng)
        let (pos, neg, auxiliary) = try model.batchScores(items: items, positives: positives, negatives: negatives,
                                                          TowerContext(training: true, rng: rng))
        var loss = try objective.loss.evaluate(pos: pos, neg: neg)
        for a in auxiliary { loss = try loss + a }
        return loss
    }
}

extension Trainer {
    /// Checks the whole graph's gradients (towers, bias, objective, auxiliary losses) against
    /// finite differences on one small batch of `events`; the batch, the negatives and the
    /// dropout masks are drawn again from the same seed for every evaluation.
    public static func gradientCheck(model: ScoreModel, objective: Objective, events: Events, batch: Int = 8,
                                     samples: Int = 12, seed: UInt64 = 5) throws -> GradientCheck.Result {
        guard !events.isEmpty else { throw ModelError("gradient check", "no events") }
        try checkRange(events, of: model, "gradient check")
        model.observe(events)
        let n = Swift.min(batch, events.count)
        let items = Array(events.items.prefix(n)), positives = Array(events.users.prefix(n))
        let loss = BatchLoss(model: model, objective: objective, train: events)
        var negatives: [Int32] = []
        return try GradientCheck.run(parameters: model.parameters, samples: samples, epsilon: 1e-2) {
            try loss(items: items, positives: positives, negatives: &negatives, rng: RandomSource(seed: seed))
        }
    }
}
