#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Model

/// `rec bench scale`: a synthetic dataset of a MovieLens shape written in ML-20M's own csv
/// format (nothing downloaded), loaded as `movielens(…)` loads it, one training epoch of the
/// reference model on its positive events, and the evaluation (NDCG@20 over all items, every
/// user ranked) of fixed factors on every 10th positive event held out. Prints the seconds of
/// each and the process's peak memory; `--keep DIR` leaves the files there (to time pandas and
/// polars on them: scripts/bench-loading DIR).
struct ScaleBenchmark {
    let shape: EvaluateBenchmark.ShapeName
    let batches: Int?
    let threads: Int
    let keep: String?

    func run(json: Bool) throws {
        let bench = EvaluateBenchmark(shape: shape, batches: batches)
        let (users, items, ratings) = bench.dimensions
        let directory = keep ?? NSTemporaryDirectory() + "rec-scale-\(UUID().uuidString)"
        defer { if keep == nil { try? FileManager.default.removeItem(atPath: directory) } }
        var start = Date()
        try SyntheticRatingsFile(users: users, movies: items, ratings: ratings).write(to: directory, seed: 20)
        print(String(format: "wrote %@/ratings.csv in %.1f s", directory, Date().timeIntervalSince(start)))
        start = Date()
        let ml = try MovieLens.load(directory: directory, positive: 4, threads: threads)
        let load = Date().timeIntervalSince(start)
        print("\(ml)")
        var train = Events(), test = Events()
        for k in 0..<ml.events.count {
            let (u, i) = (ml.events.users[k], ml.events.items[k])
            if k % 10 == 0 { test.append(user: u, item: i, rating: 5, time: 0) } else { train.append(user: u, item: i, rating: 5, time: 0) }
        }
        let data = try SyntheticEvents(users: ml.users.count, items: ml.items.count, eventUsers: train.users,
                                       eventItems: train.items, contentWidth: 300, seed: 0)
        let epoch = try bench.epochSeconds(data)
        let scorer = try FactorScorer(users: ml.users.count, items: ml.items.count, width: 64, seed: 2)
        start = Date()
        let e = try Evaluator.evaluate(scorer, test: test, train: train, items: ml.items.count, k: 20, threads: threads)
        let evaluate = Date().timeIntervalSince(start)
        print(e.all)
        let peak = Self.peakGigabytes()
        print(String(format: "load %.2f s (%d thread%@), one epoch %.2f s, evaluate %.2f s, peak memory %.2f GB",
                     load, threads, threads == 1 ? "" : "s", epoch, evaluate, peak))
        if json {
            print(jsonLine([("bench", "scale"), ("shape", shape.rawValue), ("threads", threads), ("load_s", load),
                            ("epoch_s", epoch), ("evaluate_s", evaluate), ("peak_gb", peak)]))
        }
        print(String(format: "scale: %.2f s to load, %.2f s an epoch, %.2f s to evaluate", load, epoch, evaluate))
    }

    /// The most memory the process has held, in GB (1024³ bytes): Linux counts it in KB,
    /// macOS in bytes.
    static func peakGigabytes() -> Double {
        var usage = rusage()
        #if os(Linux)
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / Double(1 << 20)
        #else
        getrusage(RUSAGE_SELF, &usage)
        return Double(usage.ru_maxrss) / Double(1 << 30)
        #endif
    }
}
