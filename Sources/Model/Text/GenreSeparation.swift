/// How well document vectors separate genres: the mean cosine similarity of pairs of
/// documents that share a genre minus that of pairs that share none, after centring the
/// vectors (paragraph vectors of short texts share a large common direction that would
/// otherwise put every cosine near 1). Higher is better; random vectors score about 0.
public enum GenreSeparation {
    public static func score(_ vectors: Tensor, genres: [[String]]) throws -> (same: Double, different: Double, separation: Double) {
        guard vectors.rank == 2, vectors.shape[0] == genres.count else {
            throw ModelError("genre separation", "\(vectors.shape) vectors for \(genres.count) documents")
        }
        let n = genres.count, d = vectors.shape[1]
        // Genres as bit sets, rows normalised once.
        var names = [String: Int]()
        let masks: [UInt64] = genres.map { gs in gs.reduce(0) { m, g in
            let k = names[g] ?? { names[g] = names.count; return names.count - 1 }()
            return m | (1 << UInt64(k % 64))
        } }
        let unit = vectors.copy()
        let mean = try vectors.mean(axis: 0)
        for r in 0..<n { for j in 0..<d { unit.pointer[r * d + j] -= mean.pointer[j] } }
        unit.normalizeRows()
        let sims = try unit.matmul(unit, transposeOther: true)
        var same = 0.0, sameCount = 0, diff = 0.0, diffCount = 0
        for i in 0..<n where masks[i] != 0 {
            for j in (i + 1)..<n where masks[j] != 0 {
                let s = Double(sims.pointer[i * n + j])
                if masks[i] & masks[j] != 0 { same += s; sameCount += 1 } else { diff += s; diffCount += 1 }
            }
        }
        let a = same / Double(Swift.max(sameCount, 1)), b = diff / Double(Swift.max(diffCount, 1))
        return (a, b, a - b)
    }
}
