import Foundation

/// The rows of a batch that repeat an earlier row of the same group bit for bit: an item drawn
/// twice into a batch (popular items often are), its dropout alike. A sum of squares over a
/// group's columns (`gramianSquares`) then needs each distinct row once, scaled by √(its
/// count): (√m·v · u)² = m·(v · u)². On ML-100K's training part a third of the excluded pairs of
/// a batch of 256 belong to such repeats.
struct RepeatedRows {
    /// The distinct rows, as rows of the batch (each first occurrence), ascending.
    let kept: [Int32]
    /// For each row of the batch, the position in `kept` of the row it repeats (or is).
    let keptIndex: [Int32]
    /// For each distinct row, how many rows of the batch it stands for.
    let counts: [Int32]

    /// The repeats among the rows of `v` [B, d], where row b belongs to groups[b]; nil when no
    /// row repeats another.
    static func find(_ v: Tensor, groups: [Int32]) -> RepeatedRows? {
        let b = groups.count, d = v.shape[1]
        guard b > 1 else { return nil }
        // An open-addressed table of each group's first distinct row (a position in `kept`).
        var slots = 1
        while slots < 2 * b { slots <<= 1 }
        var table = [Int32](repeating: -1, count: slots)
        var kept: [Int32] = [], keptIndex = [Int32](repeating: 0, count: b), counts: [Int32] = []
        kept.reserveCapacity(b)
        counts.reserveCapacity(b)
        let rowBytes = d * MemoryLayout<Float>.stride
        for row in 0..<b {
            let g = groups[row]
            var h = Int(UInt32(bitPattern: g) &* 0x9E37_79B1) & (slots - 1)
            var repeats: Int32 = -1
            while table[h] >= 0 {
                let first = table[h]
                if groups[Int(kept[Int(first)])] == g {
                    if memcmp(v.pointer + row * d, v.pointer + Int(kept[Int(first)]) * d, rowBytes) == 0 { repeats = first }
                    break
                }
                h = (h + 1) & (slots - 1)
            }
            if repeats >= 0 {
                keptIndex[row] = repeats
                counts[Int(repeats)] += 1
                continue
            }
            // A new distinct row; the table keeps the group's first one.
            if table[h] < 0 { table[h] = Int32(kept.count) }
            keptIndex[row] = Int32(kept.count)
            kept.append(Int32(row))
            counts.append(1)
        }
        return kept.count == b ? nil : RepeatedRows(kept: kept, keptIndex: keptIndex, counts: counts)
    }

    /// Each distinct row's scale, √(its count).
    var factors: [Float] { counts.map { $0 == 1 ? 1 : Float($0).squareRoot() } }

    /// The distinct rows of `v`, each scaled by √(its count): [kept.count, d].
    func scaledRows(_ v: Tensor) -> Tensor {
        let d = v.shape[1], out = Tensor(uninitialized: Shape(kept.count, d)), factors = factors
        for (k, row) in kept.enumerated() {
            let s = factors[k]
            let from = v.pointer + Int(row) * d, to = out.pointer + k * d
            for j in 0..<d { to[j] = s * from[j] }
        }
        return out
    }

    /// The gradient of each row of the batch [B, d] from that of the scaled distinct rows: a
    /// row standing for m rows gets its gradient ÷ √m in each of them.
    func spread(_ g: Tensor, rows b: Int) -> Tensor {
        let d = g.shape[1], out = Tensor(uninitialized: Shape(b, d))
        let inverse = counts.map { $0 == 1 ? Float(1) : 1 / Float($0).squareRoot() }
        for row in 0..<b {
            let k = Int(keptIndex[row]), s = inverse[k]
            let from = g.pointer + k * d, to = out.pointer + row * d
            for j in 0..<d { to[j] = s * from[j] }
        }
        return out
    }
}
