import Model

/// `fit` and `gradcheck`: the trainer, and its check of the whole graph's gradients, run on a
/// loss the script built.
enum FitBuiltins {
    static func register(_ r: inout Registry) {
        r.add(Builtin("fit", [Parameter("loss", "loss"), Parameter("events", "events"), Parameter("optimizer", "optimizer", default: "adagrad(lr: 0.05)"),
                              Parameter("epochs", "whole number", default: "10", keywordOnly: true),
                              Parameter("batch", "whole number", default: "256", keywordOnly: true),
                              Parameter("validate", "events", default: "none", keywordOnly: true),
                              Parameter("patience", "whole number", default: "none", keywordOnly: true)],
                      summary: "Train the loss's model on events; returns the history.",
                      doc: "Validation (ndcg@20 on held-out events) after each epoch; with patience, early stopping restores the best epoch. Ctrl-C stops between batches; so does a loss that diverges (NaN, inf, or 1000 times its first level), with the last good epoch restored.",
                      example: "hist = fit(loss, split.train, adagrad(lr: 0.05), epochs: 10, validate: split.valid_cold, patience: 2)") { a, s in
            try fit(a, s)
        })
        r.add(Builtin("gradcheck", [Parameter("loss", "loss"), Parameter("events", "events")],
                      summary: "Check the graph's gradients against finite differences on a small batch.",
                      example: "gradcheck(loss, split.train)") { a, _ in
            let loss = try a.object("loss", LossObject.self)
            let objective = try objective(of: loss, negatives: loss.sample.negatives.isAllUsers ? loss.sample.negatives : .sampled(Swift.min(loss.sample.sampled, 4)),
                                          span: a.span("loss"))
            let r = try Trainer.gradientCheck(model: loss.sample.score.model, objective: objective, events: try a.object("events", EventsObject.self).events)
            guard r.maxError < 3e-2 else { throw LangError(.runtime, "gradient check FAILED: \(r)", a.callSpan) }
            return .object(TextObject("gradient check passed: \(r.checked) entries, analytic and numeric gradients agree"))
        })
    }

    static func fit(_ a: Arguments, _ s: Session) throws -> Value {
        let optimizer = try a.optionalObject("optimizer", OptimizerObject.self)?.optimizer ?? Adagrad(learningRate: 0.05)
        var o = Trainer.Options()
        o.epochs = try a.int("epochs", min: 1)
        o.batchSize = try a.int("batch", min: 1)
        let loss = try a.object("loss", LossObject.self), trainPart = try a.object("events", EventsObject.self), events = trainPart.events
        // A batch's negative scores are [batch, negatives] (the batch never exceeds the events);
        // over all users, the user side is computed for every user.
        if loss.sample.negatives == .allUsers {
            try a.limit("loss", [loss.sample.score.model.users, loss.sample.score.model.user.width + 1],
                        "every user's row (\(loss.sample.score.model.users) users)")
        } else if loss.sample.negatives == .everyUser {
            let users = loss.sample.score.model.users
            try a.limit("loss", [users, loss.sample.score.model.user.width + 1], "every user's row (\(users) users)")
            try a.limit("batch", [Swift.min(o.batchSize, events.count), users + 1], "batch \(o.batchSize) × every user (\(users))")
        } else {
            // Per positive, each example's K users' rows are computed too.
            let rows = loss.sample.perPositive ? loss.sample.score.model.user.width + 1 : 1
            try a.limit("batch", [Swift.min(o.batchSize, events.count), loss.sample.sampled + 1, rows],
                        "batch \(o.batchSize) × negatives \(loss.sample.sampled)\(rows > 1 ? " × user width \(rows - 1)" : "")")
        }
        o.patience = a.has("patience") ? try a.int("patience", min: 1) : nil
        let validate = try a.optionalObject("validate", EventsObject.self)
        TestPartWarning.check(trainPart, "fit", "trains on", s)
        TestPartWarning.check(validate, "fit", "validates on", s)
        return .object(HistoryObject(try fit(loss, on: events, optimizer: optimizer, options: o,
                                             validation: validate?.events,
                                             session: s, progress: nil), score: loss.sample.score))
    }

    /// Trains a loss's model (what `fit` and each trial of `sweep` do): the session's epoch
    /// cap, threads and random generator, progress as outputs (`progress`, else `FitObserver`'s), the
    /// fitted state kept on the score.
    static func fit(_ loss: LossObject, on events: Events, optimizer: any Optimizer, options: Trainer.Options,
                    validation: Events?, session s: Session, progress: (any TrainerExtension)?) throws -> History {
        var o = options
        o.epochs = Swift.min(o.epochs, s.maxEpochs ?? .max)
        o.threads = s.threads
        let score = loss.sample.score
        let trainer = try Trainer(model: score.model, objective: try objective(of: loss, negatives: loss.sample.negatives),
                                  optimizer: optimizer, options: o, cancel: s.cancel)
        trainer.extend(progress ?? FitObserver(s, epochs: o.epochs).reporter)
        let history = try trainer.fit(events, validation: validation, rng: s.rng)
        // Said as it happens, printed or not: `h = fit(…)` shows nothing, and a model left at its
        // first parameters would otherwise evaluate at chance without a word.
        if case .diverged? = history.stop, let stop = history.stop { s.warn("fit: \(stop)") }
        score.train = events
        score.optimizer = optimizer
        return history
    }

    /// The loss as the trainer's objective; a loss that is not one value per batch is the
    /// script's mistake, said in its terms.
    static func objective(of loss: LossObject, negatives: Objective.Negatives, span: SourceSpan? = nil) throws -> Objective {
        let shape = try loss.expression.batchShape(negatives: negatives)
        guard shape.count == 1 else {
            // The shape is a probe's (a few examples): name the axes, not the probe's sizes.
            let axes = shape.rank == 1 ? "a value per example" : shape.rank == 2 ? "a value per example and negative user" : "a tensor of shape \(shape) on a probe batch"
            throw LangError(.runtime, "loss: must be a single value, but gives \(axes) (take mean(…) of it)", span)
        }
        return try Objective(loss: loss.expression, negatives: negatives, sampler: loss.sample.sampler, perPositive: loss.sample.perPositive)
    }
}
