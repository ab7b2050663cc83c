/// The k best users for every item: item vectors × user vectors in tiles of items (one
/// sgemm each into a reused buffer that stays in cache), scanning each tile row for its
/// top k with a running heap (`rk_top_k`) — never materialising or sorting all scores. Each
/// score is first compared with the heap's current floor, sixteen at a time: most cost one
/// compare.
public enum TopUsers {
    public struct Result: Sendable {
        public let k: Int
        /// users[i * k + j]: item i's j-th best user (best first); scores likewise.
        public let users: [Int32]
        public let scores: [Float]
    }

    public static func compute(items: Tensor, users: Tensor, bias: Tensor? = nil, k: Int,
                               tileRows: Int = 32) throws -> Result {
        guard items.rank == 2, users.rank == 2, items.shape[1] == users.shape[1] else {
            throw ModelError.shapes("top users", items.shape, users.shape, "item and user vectors must have the same width, got")
        }
        let nItems = items.shape[0], nUsers = users.shape[0], d = items.shape[1]
        guard k >= 1, k <= nUsers else { throw ModelError("top users", "k must be in 1...\(nUsers), got \(k)") }
        if let bias, bias.count != nUsers { throw ModelError("top users", "bias has \(bias.count) values for \(nUsers) users") }
        let tile = Tensor(uninitialized: Shape(tileRows, nUsers))
        var outUsers = [Int32](repeating: 0, count: nItems * k), outScores = [Float](repeating: 0, count: nItems * k)
        let top = TopBuffers(k)
        for start in stride(from: 0, to: nItems, by: tileRows) {
            let rows = Swift.min(tileRows, nItems - start)
            BLAS.gemm(m: rows, n: nUsers, k: d, items.pointer + start * d, lda: d, transposeA: false,
                      users.pointer, ldb: d, transposeB: true, tile.pointer, ldc: nUsers)
            for r in 0..<rows {
                let s = tile.pointer + r * nUsers
                if let bias { Kernels.add(bias.pointer, into: s, nUsers) }
                var found = top.fill(s, nUsers)
                for j in 0..<found {
                    outUsers[(start + r) * k + j] = top.ids[j]
                    outScores[(start + r) * k + j] = top.scores[j]
                }
                // Fewer than k above −∞ (a diverged model's NaN or −∞): those users follow, by id,
                // with their scores as they are.
                var u = 0
                while found < k {
                    if !(s[u] > -.infinity) {
                        outUsers[(start + r) * k + found] = Int32(u)
                        outScores[(start + r) * k + found] = s[u]
                        found += 1
                    }
                    u += 1
                }
            }
        }
        return Result(k: k, users: outUsers, scores: outScores)
    }
}
