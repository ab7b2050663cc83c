import Foundation
import Model

/// The trainer's progress as session outputs: progress with the running loss, the rate and
/// the time left while an epoch runs; a note with sparklines after each epoch. The figures
/// come from the trainer's `ProgressReporter`; this only words them.
final class FitObserver {
    unowned let session: Session
    let epochs: Int
    private var losses: [Double] = [], valid: [Double] = []

    init(_ session: Session, epochs: Int) {
        self.session = session
        self.epochs = epochs
    }

    /// The trainer extension that reports to this observer (and keeps it alive while it trains).
    var reporter: ProgressReporter {
        ProgressReporter(everyBatches: 16, onBatch: { self.batch($0) }, onEpoch: { self.epoch($0) })
    }

    func batch(_ r: ProgressReporter.Report) {
        let p = r.progress
        session.emit(.progress(ProgressReport(String(format: "epoch %d/%d  loss %.4f  %.0fk examples/s  %@ left", p.epoch, epochs,
                                                     p.meanLoss, r.examplesPerSecond / 1000, Self.duration(r.secondsLeft)),
                                              fraction: p.fractionOfEpoch)))
    }

    func epoch(_ r: EpochRecord) {
        losses.append(r.loss)
        var line = String(format: "epoch %d/%d  loss %.4f ", r.epoch, epochs, r.loss) + Sparkline.draw(losses)
        if r.hasAuxiliaryParts { line += " " + HistoryObject.parts(r).dropFirst() }
        if let v = r.validation {
            valid.append(v.ndcg)
            line += String(format: "  valid ndcg@20 %.4f ", v.ndcg) + Sparkline.draw(valid)
        }
        line += String(format: "  (%.1f s)", r.seconds)
        session.emit(.note(line))
    }

    static func duration(_ s: Double) -> String {
        guard s.isFinite, s < 1e9 else { return "a long time" }
        return s < 60 ? String(format: "%.0f s", s) : String(format: "%d min %02d s", Int(s) / 60, Int(s) % 60)
    }
}
