import Foundation
import Model

/// Eight-level block sparkline of a series (histories and fit progress in text).
enum Sparkline {
    /// The most blocks a sparkline takes. Longer series are drawn as that many bucket means:
    /// a fit prints one per epoch, so an unbounded line would make its output, the session's
    /// log and `:export` grow with the square of the epochs.
    static let width = 40

    static func draw(_ values: [Double], width: Int = Sparkline.width) -> String {
        let blocks = Array("▁▂▃▄▅▆▇█")
        let series = values.count > width ? bucketMeans(values, count: width) : values
        guard let lo = series.min(), let hi = series.max() else { return "" }
        return String(series.map { blocks[level($0, lo: lo, hi: hi)] })
    }

    /// `count` means of consecutive, nearly equal runs of `values` (a NaN or ±inf stays in its run's mean).
    static func bucketMeans(_ values: [Double], count: Int) -> [Double] {
        (0..<count).map { b in
            let run = values[b * values.count / count ..< (b + 1) * values.count / count]
            return run.reduce(0, +) / Double(run.count)
        }
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
