/// The loss of one batch of (item, positive user) examples: the objective over the model's
/// scores against K negative users drawn for the batch and shared by it (or K drawn for each
/// example, or every user: scored for listwise, by the Gramian trick for the squared error), plus the towers' auxiliary
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
        // Worked out here, once: the parts of a split batch only read them.
        _ = model.hasDecay
        if observed != nil { _ = model.allUsers }
    }

    /// The batch's loss graph. Its randomness (the negatives, into the reused `negatives`,
    /// then dropout masks and auxiliary samples) comes from `rng` in that order.
    func callAsFunction(items: [Int32], positives: [Int32], negatives: inout [Int32], rng: RandomSource) throws -> BatchGraph {
        drawNegatives(examples: items.count, into: &negatives, rng: rng)
        return try graph(items: items, positives: positives, negatives: negatives, decayingNegatives: true, rng: rng, shared: rng)
    }

    /// Draws a batch's negative users into `negatives`: K shared by the batch, or K for each
    /// example in example order (none when the negatives are all users).
    func drawNegatives(examples: Int, into negatives: inout [Int32], rng: RandomSource) {
        guard observed == nil else { return }
        if objective.negatives == .everyUser {
            // Not drawn: every user, in index order, the same for each batch (nothing from rng).
            negatives.removeAll(keepingCapacity: true)
            negatives.append(contentsOf: 0..<Int32(model.users))
            return
        }
        let k = objective.sampledNegatives
        sampler.draw(objective.perPositive ? k * examples : k, into: &negatives, rng: rng)
    }

    /// The loss graph of examples with negatives drawn for them; dropout masks and auxiliary
    /// samples come from `rng`, draws the whole batch shares from `shared`. The negatives'
    /// rows join the weight decay when `decayingNegatives`.
    /// `everyUser`: a loss over all users decays this share of the users' rows (all of them when
    /// the batch is not split).
    func graph(items: [Int32], positives: [Int32], negatives: [Int32], decayingNegatives: Bool,
               rng: RandomSource, shared: RandomSource, seat: PartSeat? = nil,
               everyUser: (part: Int, of: Int) = (0, 1)) throws -> BatchGraph {
        var context = TowerContext(training: true, rng: rng, shared: shared)
        context.seat = seat
        let scores: BatchScores
        if let observed {
            let all = try model.allUserScores(items: items, positives: positives, observed: observed, context)
            scores = BatchScores(pos: all.pos, unobservedSquares: all.unobservedSquares, users: model.users)
        } else {
            let sampled = try objective.perPositive
                ? model.perPositiveScores(items: items, positives: positives, negatives: negatives, context)
                : model.batchScores(items: items, positives: positives, negatives: negatives, context)
            scores = BatchScores(pos: sampled.pos, neg: sampled.neg, users: model.users, everyUser: objective.negatives == .everyUser)
        }
        let preference = try objective.loss.evaluate(scores)
        let auxiliary = try model.auxiliaryLosses(items: items, context)
        var total = preference
        for a in auxiliary { total = try total + a.loss * a.weight }
        // Weight decay joins the total only: the history's preference stays the objective alone.
        if model.hasDecay {
            // A loss over all users decays every user's row once a batch: each part of a split
            // batch its slice of the users (its share times its penalty per example is the
            // batch's on them), so that the parts stay level.
            let users = observed != nil ? everyUserSlice(everyUser.part, of: everyUser.of)
                : decayingNegatives ? positives + negatives : positives
            if let decay = try model.decayPenalty(items: items, users: users) { total = try total + decay }
        }
        return BatchGraph(total: total, preference: preference, auxiliary: auxiliary)
    }

    /// Whether a batch can be cut into parts whose losses, weighted by their shares of the
    /// examples, add up to the batch's (see `LossExpression.isMeanOverExamples`; weight decay
    /// is per example, or a constant). A loss over all users is cut too: each part then forms
    /// the users' d × d Gramian again, but the excluded pairs, most of such a step, divide.
    var splits: Bool { objective.loss.isMeanOverExamples }

    /// Part `part.range` of a batch whose negatives were drawn for the whole batch: its
    /// examples, and the shared negatives (or its examples' own). Shared negatives are decayed
    /// in part 0 alone: its share of the batch times its penalty over its own examples is the
    /// batch's penalty on them.
    func graph(part: GradientWorkers.Part, items: [Int32], positives: [Int32], negatives: [Int32]) throws -> BatchGraph {
        let range = part.range, k = objective.sampledNegatives, own = objective.perPositive
        return try graph(items: Array(items[range]), positives: Array(positives[range]),
                         negatives: own ? Array(negatives[(range.lowerBound * k)..<(range.upperBound * k)]) : negatives,
                         decayingNegatives: own || part.index == 0, rng: part.rng, shared: part.shared, seat: part.seat,
                         everyUser: (part.index, part.count))
    }

    /// Part k's slice of every user (`PartedRanges.rows`).
    private func everyUserSlice(_ k: Int, of parts: Int) -> [Int32] {
        parts == 1 ? model.allUsers : Array(model.allUsers[PartedRanges.rows(model.users, piece: k, of: parts)])
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
        // As `fit` runs it (see `ScoreModel.denseUserRows`).
        model.denseUserRows(loss.observed != nil)
        defer { model.denseUserRows(false) }
        return try GradientCheck.run(parameters: model.parameters, samples: samples, epsilon: 1e-2) {
            try loss(items: items, positives: positives, negatives: &negatives, rng: RandomSource(seed: seed)).total
        }
    }
}
