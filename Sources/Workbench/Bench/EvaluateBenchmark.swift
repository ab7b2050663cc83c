import ArgumentParser
import Foundation
import Model

/// `rec bench evaluate`: NDCG@20 and the other metrics over all items, every user ranked,
/// on synthetic events of a MovieLens shape (every 10th event held out as the test set),
/// scored by fixed 64-d factors; and one training epoch of the reference model on the same
/// shape (timed over `batches` and scaled to the epoch when given). Figure: evaluate time ÷
/// epoch time, the ratio issue 19 asks to bring to 2 or below.
struct EvaluateBenchmark {
    enum ShapeName: String, CaseIterable { case ml1m, ml10m, ml20m }
    let shape: ShapeName
    let batches: Int?

    var dimensions: (users: Int, items: Int, events: Int) {
        switch shape {
        case .ml1m: return (6040, 3706, 1_000_209)
        case .ml10m: return (69_878, 10_677, 10_000_054)
        case .ml20m: return (138_493, 26_744, 20_000_263)
        }
    }

    func run(json: Bool) throws {
        let (users, items, events) = dimensions
        let data = try SyntheticEvents(users: users, items: items, events: events, contentWidth: 300, seed: 0)
        var train = Events(), test = Events()
        for k in 0..<events {
            let (u, i) = (data.eventUsers[k], data.eventItems[k])
            if k % 10 == 0 { test.append(user: u, item: i, rating: 5, time: 0) } else { train.append(user: u, item: i, rating: 5, time: 0) }
        }
        print("\(shape.rawValue) shape: \(users) users, \(items) items, \(events) events (\(test.count) held out)")
        let epoch = try epochSeconds(data)
        let scorer = try FactorScorer(users: users, items: items, width: 64, seed: 2)
        let start = DispatchTime.now().uptimeNanoseconds
        let e = try Evaluator.evaluate(scorer, test: test, train: train, items: items, k: 20)
        let evaluate = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        print(e.all)
        print(String(format: "evaluate %.2f s, one training epoch %.2f s", evaluate, epoch))
        if json {
            print(jsonLine([("bench", "evaluate"), ("shape", shape.rawValue), ("evaluate_s", evaluate), ("epoch_s", epoch),
                            ("ratio", evaluate / epoch)]))
        }
        print(String(format: "evaluate: %.2f epochs", evaluate / epoch))
    }

    /// One epoch of the reference model (bpr), measured after 20 warm-up batches.
    func epochSeconds(_ data: SyntheticEvents) throws -> Double {
        let model = try ReferenceTraining(data: data, loss: .bpr)
        for _ in 0..<20 { _ = try model.step() }
        let timed = Swift.min(batches ?? model.batchesPerEpoch, model.batchesPerEpoch)
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<timed { _ = try model.step() }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        if timed < model.batchesPerEpoch { print("epoch time scaled from \(timed) of \(model.batchesPerEpoch) batches") }
        return seconds * Double(model.batchesPerEpoch) / Double(timed)
    }
}

extension EvaluateBenchmark.ShapeName: ExpressibleByArgument {}
