import Foundation

/// Decides, batch by batch, that training has diverged: the loss is not finite, or it has
/// exploded while still finite. The trainer then stops and restores the parameters of the
/// last completed epoch.
///
/// An explosion is a loss beyond `limit = min(ceiling, growth × scale)`, where
/// `scale = max(1, |first loss|, |best epoch's mean loss|)`:
/// - The first batch's loss is the loss of the model before any step: the level an untrained
///   model reaches, so the natural unit of *this* objective (≈0.69 for BPR, ln(K+1) for
///   listwise, about α for weighted MSE, B·K times larger for a loss written with `sum`).
///   Training only ever brings the loss below it; mini-batch noise moves a mean loss by a few
///   times at most. `growth` (default 10³) orders of magnitude above it is no longer noise: the
///   scores have blown up (a learning rate too large), and the next steps reach inf/NaN.
/// - The best epoch's loss counts when it is larger in magnitude (a loss that can go negative
///   and has moved far from where it started).
/// - The floor of 1 keeps the limit meaningful when the first loss is near zero (a loss
///   written to start at 0); the losses here are means of per-example terms of order one.
/// - `ceiling` (default 10³⁰) holds whatever the scale: float32 overflows at 3.4·10³⁸, so a
///   loss that large is a step or two from inf.
/// Only growth is checked: a loss falling without bound goes to −inf, which is not finite.
public struct DivergenceGuard: Sendable, Equatable {
    public var growth: Double
    public var ceiling: Double

    public init(growth: Double = 1e3, ceiling: Double = 1e30) {
        self.growth = growth
        self.ceiling = ceiling
    }

    /// The guard's state through one `fit`.
    struct Watch {
        let rule: DivergenceGuard
        private var scale: Double?

        init(_ rule: DivergenceGuard) { self.rule = rule }

        /// The loss above which a batch has diverged (infinite until the first batch is seen).
        var limit: Double { scale.map { Swift.min(rule.ceiling, rule.growth * $0) } ?? rule.ceiling }

        /// Whether this batch's loss shows divergence; the first loss seen sets the scale.
        mutating func diverged(_ loss: Double) -> Bool {
            guard loss.isFinite else { return true }
            if scale == nil { scale = Swift.max(1, abs(loss)) }
            return loss > limit
        }

        /// An epoch ended with this mean loss, the best so far or not.
        mutating func epochEnded(bestLoss: Double) {
            scale = Swift.max(scale ?? 1, abs(bestLoss))
        }
    }

    /// A loss for a message: `nan` and `inf` as Swift writes them, finite ones in 4 digits.
    static func format(_ x: Double) -> String { x.isFinite ? String(format: "%.4g", x) : "\(x)" }
}
