import Foundation

/// One epoch's figures.
public struct EpochRecord: Sendable {
    public let epoch: Int
    /// The mean loss of the epoch's batches.
    public let loss: Double
    public let validation: RankingMetrics?
    public let seconds: Double
    /// The loss's parts, each its mean over the epoch's batches: the preference loss (the
    /// objective), then each auxiliary loss (a paragraph encoder's word prediction).
    public let parts: [LossPart]

    public init(epoch: Int, loss: Double, validation: RankingMetrics?, seconds: Double, parts: [LossPart] = []) {
        self.epoch = epoch
        self.loss = loss
        self.validation = validation
        self.seconds = seconds
        self.parts = parts
    }

    /// Whether the loss has parts besides the preference loss.
    public var hasAuxiliaryParts: Bool { parts.contains { $0.weight != nil } }
}

/// A part of an epoch's loss: the loss = the preference part + Σ weight × each auxiliary part.
public struct LossPart: Sendable, Equatable {
    public static let preference = "preference"
    public let name: String
    /// The part's mean over the epoch's batches (an auxiliary one unweighted).
    public let loss: Double
    /// The weight an auxiliary part enters the loss with; nil for the preference loss.
    public let weight: Double?

    public init(name: String, loss: Double, weight: Double?) {
        self.name = name
        self.loss = loss
        self.weight = weight
    }
}

/// Why `fit` ended before its last epoch.
public enum StopReason: Sendable, Equatable, CustomStringConvertible {
    /// The cancel flag was set during `epoch`; the parameters are those after the epoch before.
    case cancelled(epoch: Int)
    /// The cancel flag was set while epoch `epoch` was being validated: its training is kept.
    case cancelledValidating(epoch: Int)
    /// A batch's loss was not finite, or beyond `limit` (see `DivergenceGuard`).
    case diverged(epoch: Int, batch: Int, loss: Double, limit: Double)
    /// Validation ndcg@k did not improve for `patience` epochs after `epoch`.
    case earlyStop(epoch: Int, k: Int, patience: Int)

    public var description: String {
        switch self {
        case .cancelled(let epoch):
            return "stopped by the user during epoch \(epoch) (parameters as after epoch \(epoch - 1))"
        case .cancelledValidating(let epoch):
            return "stopped by the user while epoch \(epoch) was validated (parameters as after epoch \(epoch), not validated)"
        case let .diverged(epoch, batch, loss, limit):
            let why = loss.isFinite ? " (above \(DivergenceGuard.format(limit)), the limit of this training)" : ""
            let kept = epoch > 1 ? "the parameters of epoch \(epoch - 1), the last good one" : "the parameters as they were before the fit (no epoch finished)"
            return "the loss became \(DivergenceGuard.format(loss)) in epoch \(epoch), batch \(batch)\(why): "
                + "stopped with \(kept) (try a smaller learning rate)"
        case let .earlyStop(epoch, k, patience):
            return "early stop after epoch \(epoch): validation ndcg@\(k) did not improve for \(patience) epoch\(patience == 1 ? "" : "s")"
        }
    }
}

/// What `fit` did: the loss per epoch, validation metrics, and how it ended.
public struct History: Sendable, CustomStringConvertible {
    public var epochs: [EpochRecord] = []
    public var bestEpoch: Int?
    /// Why training ended before its last epoch (early stopping, Ctrl-C, divergence), if it did.
    public var stop: StopReason?
    /// The k of the validation metrics (ndcg@k), when there was validation.
    public var validationK: Int?

    public init() {}

    public var stopReason: String? { stop?.description }
    public var losses: [Double] { epochs.map(\.loss) }

    /// The part `name` of each epoch's loss (empty when the epochs do not record it).
    public func losses(of name: String) -> [Double] {
        epochs.compactMap { $0.parts.first { $0.name == name }?.loss }
    }

    /// The names of the loss's parts, in order (empty before any epoch).
    public var partNames: [String] { epochs.first?.parts.map(\.name) ?? [] }

    /// The figures in plain numbers (front ends draw them: the workbench adds sparklines).
    public var description: String {
        var s = "History(\(epochs.count) epochs"
        if let first = epochs.first, let last = epochs.last { s += ", loss \(fixed(first.loss)) → \(fixed(last.loss))" }
        let valid = epochs.compactMap(\.validation).map(\.ndcg)
        if let best = valid.max() { s += ", valid ndcg best \(fixed(best))" }
        if let b = bestEpoch { s += " at epoch \(b)" }
        if let r = stopReason { s += "; \(r)" }
        return s + ")"
    }

    private func fixed(_ x: Double) -> String { String(format: "%.4f", x) }
}
