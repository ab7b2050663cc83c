import Foundation
import Model

/// `rec bench vectors`: loads `vectors/glove.6B.50d.top100k.txt.gz` from the data directory
/// (gzip + parsing 5M numbers); figure: milliseconds, the best of three loads.
struct VectorLoadBenchmark {
    let dataDirectory: String

    func run(json: Bool) throws {
        let path = (dataDirectory as NSString).appendingPathComponent("vectors/glove.6B.50d.top100k.txt.gz")
        var best = Double.infinity
        var loaded: WordVectors?
        for _ in 0..<3 {
            let start = DispatchTime.now().uptimeNanoseconds
            loaded = try WordVectors.load(path)
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        print("\(loaded!) from \(path)")
        if json { print(jsonLine([("bench", "vectors"), ("load_ms", best)])) }
        print(String(format: "vectors: %.1f ms", best))
    }
}
