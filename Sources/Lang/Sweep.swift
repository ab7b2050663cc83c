import Foundation
import Model

/// One trial of a sweep: its settings, what it reached on validation, and (for the best so
/// far) the fitted model.
struct Trial {
    let settings: [(name: String, value: Value)]
    let epochs: Int
    let evaluation: Evaluation
    let selected: Double
    let seconds: Double
}

/// `sweep(recipe, space, train, validate: …)`: trains the recipe once per trial of the space,
/// each from its own seed, early-stopped on the validation events; selects on their NDCG@k
/// (all, warm, cold, or a weighted mix); keeps the best fitted model. Ctrl-C keeps the best
/// trial that finished.
struct Sweep {
    /// Settings that go to training rather than to the recipe.
    static let trainingSettings: Set<String> = ["lr", "batch", "epochs", "optimizer"]

    let recipe: FunctionObject
    let space: SearchSpaceObject
    let train: EventsObject
    let validation: Events
    let select: String, coldWeight: Double, k: Int
    let defaults: (lr: Double, batch: Int, epochs: Int, patience: Int?, optimizer: String)
    /// Unowned: the chosen score keeps its sweep (to refit) and the session keeps the score.
    unowned let session: Session
    let span: SourceSpan

    /// Every setting is a parameter of the recipe or a training setting.
    func checkNames() throws {
        let taken = Set(recipe.parameters.map(\.name))
        for name in space.names where !taken.contains(name) && !Sweep.trainingSettings.contains(name) {
            throw LangError(.argument, "sweep: the recipe has no parameter '\(name)' and it is not a training setting", span,
                            hint: "the recipe takes " + recipe.signature + "; training takes lr, batch, epochs, optimizer")
        }
    }

    func run() throws -> SweepObject {
        try checkNames()
        try checkBeforeTraining()
        let base = session.rng.next(), start = Date()
        var trials: [Trial] = [], best: (index: Int, score: ScoreObject, history: History)?
        var note: String?
        defer { session.rng.reseed(base &+ UInt64(space.trials.count + 1) &* 0x9E37_79B9_7F4A_7C15) }
        emitHeader()
        for (index, settings) in space.trials.enumerated() {
            session.rng.reseed(base &+ UInt64(index + 1) &* 0x9E37_79B9_7F4A_7C15)
            let began = Date()
            let observer = SweepProgress(session, trial: index, of: space.trials.count, epochs: defaults.epochs, start: start)
            let fitted: (ScoreObject, History)?
            do {
                fitted = try fitTrial(settings, observer: observer)
            } catch let e as LangError where e.kind == .interrupted && session.cancel.isSet {
                fitted = nil   // Ctrl-C while the recipe was being built: the trial is left out as below
            }
            guard let (score, history) = fitted, !session.cancel.isSet else {
                note = "stopped by the user during trial \(index + 1) of \(space.trials.count): it is left out"
                break
            }
            let evaluation: Evaluation
            do {
                evaluation = try Evaluator.evaluate(score.model, test: validation, train: train.events, items: train.items, k: k,
                                                    threads: session.threads, monitor: SessionMonitor(session))
            } catch is Cancelled {
                note = "stopped by the user while trial \(index + 1) of \(space.trials.count) was evaluated: it is left out"
                break
            }
            let trial = Trial(settings: settings, epochs: history.bestEpoch ?? history.epochs.count, evaluation: evaluation,
                              selected: selected(evaluation), seconds: Date().timeIntervalSince(began))
            trials.append(trial)
            if best == nil || trial.selected > trials[best!.index].selected { best = (trials.count - 1, score, history) }
            session.emit(.note(SweepObject.row(trial, index: index + 1, names: space.names, k: k, best: best?.index == trials.count - 1)))
        }
        guard let best else {
            throw LangError(.interrupted, "sweep: stopped before any trial finished", span)
        }
        if let note {  // the table is printed only if the sweep is shown; what was kept is said here
            session.emit(.note("sweep " + note + "; kept the best of the \(trials.count) that finished: "
                               + SweepObject.best(trials[best.index], index: best.index)))
        }
        let chosen = trials[best.index], again = self
        best.score.refit = { events, s in try again.refit(chosen, on: events, s) }
        return SweepObject(names: space.names, trials: trials, best: best.index, score: best.score, history: best.history,
                           select: selectionName, k: k, note: note)
    }

    /// Builds the recipe with a trial's settings and fits it.
    func fitTrial(_ settings: [(name: String, value: Value)], observer: SweepProgress) throws -> (ScoreObject, History) {
        let (loss, training) = try build(settings, session)
        let options = try options(training, epochs: try whole(training["epochs"], "epochs") ?? defaults.epochs, patience: defaults.patience)
        let history = try FitBuiltins.fit(loss, on: train.events, optimizer: try optimizer(training), options: options,
                                          validation: validation, session: session, progress: observer)
        return (loss.sample.score, history)
    }

    /// The recipe built with a trial's settings (a new model), and the settings that go to training.
    func build(_ settings: [(name: String, value: Value)], _ s: Session) throws -> (LossObject, [String: Value]) {
        let recipeNames = Set(recipe.parameters.map(\.name))
        var named: [String: Value] = [:], training: [String: Value] = [:]
        for (name, value) in settings { if recipeNames.contains(name) { named[name] = value } else { training[name] = value } }
        let built = try s.interpreter.invoke(recipe, named: named, span: span,
                                             name: "the recipe (" + settings.map { "\($0.name) = \($0.value.display)" }.joined(separator: ", ") + ")")
        guard case .object(let loss as LossObject) = built else {
            throw LangError(.type, "sweep: the recipe must return a loss (bpr(…), listwise(…), wmse(…)), got \(built.typeName)", span)
        }
        return (loss, training)
    }

    /// What would stop the sweep halfway, found before any trial trains: every trial's training
    /// settings (a bad lr in the last trial used to discard the ones before it), and a
    /// validation part with no items of the part selected on (every trial would read 0).
    func checkBeforeTraining() throws {
        for settings in space.trials {
            let training = Dictionary(settings.filter { Sweep.trainingSettings.contains($0.name) }.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
            _ = try options(training, epochs: try whole(training["epochs"], "epochs") ?? defaults.epochs, patience: nil)
            _ = try optimizer(training)
        }
        guard select != "all" else { return }
        var trained = [Bool](repeating: false, count: train.items)
        for i in train.events.items { trained[Int(i)] = true }
        let warm = validation.items.contains { Int($0) < trained.count && trained[Int($0)] }
        let cold = validation.items.contains { Int($0) >= trained.count || !trained[Int($0)] }
        for (part, has) in [("warm", warm), ("cold", cold)] where !has && (select == part || select == "mix") {
            throw LangError(.argument, "sweep: validate: has no \(part) items, so every trial would read 0 on what select: \"\(select)\" weighs",
                            span, hint: "validate on split.valid_\(part)" + (select == "mix" ? " too: validate: [split.valid_warm, split.valid_cold]" : ""))
        }
    }

    /// The chosen trial again on other events: the recipe rebuilt with its settings and trained
    /// for the epochs validation chose, without early stopping (`refit`).
    func refit(_ trial: Trial, on events: EventsObject, _ s: Session) throws -> Value {
        try RefitBuiltins.check(events, like: train, "the sweep")
        let (loss, training) = try build(trial.settings, s)
        let options = try options(training, epochs: trial.epochs, patience: nil)
        let start = Date()
        _ = try FitBuiltins.fit(loss, on: events.events, optimizer: try optimizer(training), options: options, validation: nil,
                                session: s, progress: SweepProgress(s, trial: 0, of: 1, epochs: trial.epochs, start: start))
        s.emit(.note("refit: " + SweepObject.settings(trial) + ", \(trial.epochs) epochs on \(events.name) (\(events.events.count) events, "
                     + String(format: "%.1f s)", Date().timeIntervalSince(start))))
        let score = loss.sample.score
        score.refit = { events, s in try self.refit(trial, on: events, s) }
        return .object(score)
    }

    /// How a trial trains: its batch (or the sweep's), for `epochs`, stopping early after `patience`.
    func options(_ training: [String: Value], epochs: Int, patience: Int?) throws -> Trainer.Options {
        var options = Trainer.Options()
        options.epochs = epochs
        options.batchSize = try whole(training["batch"], "batch") ?? defaults.batch
        options.patience = patience
        return options
    }

    func optimizer(_ training: [String: Value]) throws -> any Optimizer {
        var lr = defaults.lr
        if let v = training["lr"] {
            guard case .number(let x) = v, x.isFinite, x > 0 else { throw LangError(.type, "sweep: lr must be a positive number, got \(v.display)", span) }
            lr = x
        }
        var name = defaults.optimizer
        if let v = training["optimizer"] {
            guard case .string(let s) = v else { throw LangError(.type, "sweep: optimizer must be \"adagrad\", \"adam\" or \"sgd\"", span) }
            name = s
        }
        switch name {
        case "adagrad": return Adagrad(learningRate: Float(lr))
        case "adam": return Adam(learningRate: Float(lr))
        case "sgd": return SGD(learningRate: Float(lr))
        default: throw LangError(.argument, "sweep: optimizer must be \"adagrad\", \"adam\" or \"sgd\", got \"\(name)\"", span)
        }
    }

    func whole(_ v: Value?, _ name: String) throws -> Int? {
        guard let v else { return nil }
        guard case .number(let x) = v, x == x.rounded(), x >= 1, x <= 1e6 else {
            throw LangError(.type, "sweep: \(name) must be a whole number from 1 to 1000000, got \(v.display)", span)
        }
        return Int(x)
    }

    func selected(_ e: Evaluation) -> Double {
        switch select {
        case "warm": return e.warm.ndcg
        case "cold": return e.cold.ndcg
        case "mix": return (1 - coldWeight) * e.warm.ndcg + coldWeight * e.cold.ndcg
        default: return e.all.ndcg
        }
    }

    var selectionName: String {
        select == "mix" ? String(format: "%.2g·warm + %.2g·cold ndcg@%d", 1 - coldWeight, coldWeight, k) : "\(select) ndcg@\(k)"
    }

    func emitHeader() {
        session.emit(.note("sweep: \(space.trials.count) trial\(space.trials.count == 1 ? "" : "s"), selecting on validation \(selectionName)"))
    }
}

/// A sweep's progress: the trial, its epoch and the time left for the whole sweep.
final class SweepProgress: TrainerExtension {
    unowned let session: Session
    let trial: Int, trials: Int, epochs: Int, start: Date

    init(_ s: Session, trial: Int, of trials: Int, epochs: Int, start: Date) {
        session = s
        self.trial = trial
        self.trials = trials
        self.epochs = epochs
        self.start = start
    }

    var trigger: Trigger { Trigger(batches: 16) }

    func afterBatch(_ p: BatchProgress, _ trainer: Trainer) {
        // Early stopping may end a trial sooner: the time left is an upper estimate.
        let within = (Double(p.epoch - 1) + p.fractionOfEpoch) / Double(epochs)
        let done = (Double(trial) + Swift.min(0.99, within)) / Double(trials)
        let elapsed = Date().timeIntervalSince(start)
        var text = String(format: "trial %d/%d  epoch %d  loss %.4f", trial + 1, trials, p.epoch, p.meanLoss)
        if trial > 0 { text += "  " + FitObserver.duration(elapsed / done * (1 - done)) + " left" }
        session.emit(.progress(ProgressReport(text, fraction: done)))
    }
}
