import Foundation
import Lang
import Model

/// `rec bench script`: the `train` configuration built and fitted through the language
/// (synthetic ML-1M-shaped data bound as variables); figure: examples/s over one epoch.
/// Compare with `rec bench train`: the interpreter is not in the training loop.
struct ScriptBenchmark {
    /// With `byHand`, BPR is written from primitives (`sample` then arithmetic), which must
    /// train as fast as the fused loss.
    static func script(byHand: Bool) -> String {
        let loss = byHand ? "s     = sample(score, negatives: 32)\nloss  = mean(softplus(s.neg - s.pos))" : "loss  = bpr(score, negatives: 32)"
        return """
        item  = embedding(items, 64) + dense(content(features), 64)
        h     = dense(item, 64, act: "elu", dropout: 0.2)
        score = dot(embedding(users, 64), h, user_bias: false)
        \(loss)
        hist  = fit(loss, events, adagrad(lr: 0.05), epochs: 1, batch: 256);
        """
    }

    let byHand: Bool
    let threads: Int

    func run(json: Bool) throws {
        let data = try SyntheticEvents.movieLens1MShape(seed: 0)
        let session = Session(seed: 1)
        session.threads = threads
        session.bindInteractions(users: data.users, items: data.items, eventUsers: data.eventUsers,
                                 eventItems: data.eventItems, content: data.content)
        let script = Self.script(byHand: byHand)
        print(script)
        let start = DispatchTime.now().uptimeNanoseconds
        let records = session.run(script, origin: "bench")
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        if let e = records.compactMap(\.error).first { throw e }
        let rate = Double(data.eventItems.count) / seconds
        if json { print(jsonLine([("bench", "script"), ("train_sec", seconds), ("examples_per_sec", rate)])) }
        print("script: \(Int(rate.rounded())) examples/s")
    }
}
