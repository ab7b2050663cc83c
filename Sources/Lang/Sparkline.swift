import Foundation
import Model

/// Eight-level block sparkline of a series (histories and fit progress in text).
enum Sparkline {
    static func draw(_ values: [Double]) -> String {
        let blocks = Array("▁▂▃▄▅▆▇█")
        guard let lo = values.min(), let hi = values.max() else { return "" }
        return String(values.map { blocks[level($0, lo: lo, hi: hi)] })
    }

    /// The block (0–7) of `v` in [lo, hi]. A flat series, NaN or ±inf (a diverged loss) get
    /// the middle block: converting them to Int would trap.
    static func level(_ v: Double, lo: Double, hi: Double) -> Int {
        let x = (v - lo) / (hi - lo) * 7.999
        guard x.isFinite else { return 3 }
        return Swift.min(7, Swift.max(0, Int(x)))
    }

    /// A history in one line: the loss and validation ndcg as sparklines, the best epoch and
    /// why it stopped.
    static func summary(_ h: History) -> String {
        var s = "History(\(h.epochs.count) epochs, loss \(draw(h.losses))"
        if let last = h.epochs.last { s += String(format: " %.4f", last.loss) }
        let valid = h.epochs.compactMap(\.validation).map(\.ndcg)
        if let best = valid.max() { s += ", valid ndcg " + draw(valid) + String(format: " best %.4f", best) }
        if let b = h.bestEpoch { s += " at epoch \(b)" }
        if let r = h.stopReason { s += "; \(r)" }
        return s + ")"
    }
}
