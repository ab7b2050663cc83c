/// The loss of one batch of (item, positive user) examples: the objective over the model's
/// scores against K negative users drawn for the batch and shared by it (or K drawn for each
/// example, or every user for the squared error over all users), plus the towers' auxiliary
/// losses. `fit` trains on it and `gradientCheck` checks its gradients: one
/// definition for both, so the check covers exactly what training runs.
struct BatchLoss {
    let model: ScoreModel
    let objective: Objective
    let sampler: UserSampler
    /// Each item's training users, which a loss over all users leaves out of its 0 targets.
    let observed: ExcludedColumns?

    init(model: ScoreModel, objective: Objective, train: Events) throws {
        self.model = model
        self.objective = objective
        sampler = UserSampler(objective.sampler, users: model.users, train: train)
        if objective.negatives == .allUsers {
            let g = try Interactions.grouped(train, users: model.users, items: model.items, byItem: true, op: "training")
            observed = try ExcludedColumns(starts: g.starts, columns: g.columns, limit: model.users)
        } else {
            observed = nil
        }
    }

    /// The batch's loss graph. Its randomness (the negatives, into the reused `negatives`,
    /// then dropout masks and auxiliary samples) comes from `rng` in that order.
    func callAsFunction(items: [Int32], positives: [Int32], negatives: inout [Int32], rng: RandomSource) throws -> BatchGraph {
        let context = TowerContext(training: true, rng: rng)
        let scores: BatchScores
        if let observed {
            let all = try model.allUserScores(items: items, positives: positives, observed: observed, context)
            scores = BatchScores(pos: all.pos, unobservedSquares: all.unobservedSquares, users: model.users)
        } else {
            let k = objective.sampledNegatives
            sampler.draw(objective.perPositive ? k * items.count : k, into: &negatives, rng: rng)
            let sampled = try objective.perPositive
                ? model.perPositiveScores(items: items, positives: positives, negatives: negatives, context)
                : model.batchScores(items: items, positives: positives, negatives: negatives, context)
            scores = BatchScores(pos: sampled.pos, neg: sampled.neg, users: model.users)
        }
        let preference = try objective.loss.evaluate(scores)
        let auxiliary = try model.auxiliaryLosses(items: items, context)
        var total = preference
        for a in auxiliary { total = try total + a.loss * a.weight }
        // Weight decay joins the total only: the history's preference stays the objective alone.
        if model.hasDecay {
            let users = observed != nil ? (0..<Int32(model.users)).map { $0 } : positives + negatives
            if let decay = try model.decayPenalty(items: items, users: users) { total = try total + decay }
        }
        return BatchGraph(total: total, preference: preference, auxiliary: auxiliary)
    }
}

/// One batch's loss: the total that training differentiates, and its parts.
struct BatchGraph {
    let total: Variable
    /// The objective alone.
    let preference: Variable
    let auxiliary: [AuxiliaryLoss]
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
        let loss = try BatchLoss(model: model, objective: objective, train: events)
        var negatives: [Int32] = []
        return try GradientCheck.run(parameters: model.parameters, samples: samples, epsilon: 1e-2) {
            try loss(items: items, positives: positives, negatives: &negatives, rng: RandomSource(seed: seed)).total
        }
    }
}
