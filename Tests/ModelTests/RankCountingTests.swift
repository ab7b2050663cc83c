import XCTest
import CKernels
@testable import Model

/// The per-item counting of `Evaluator.ranks` (sorted relevant scores, one pass over the
/// users) against the definition counted pair by pair, on scores full of ties.
final class RankCountingTests: XCTestCase {
    /// Every candidate compared with every relevant user: the definition, O(users · relevant).
    func reference(_ s: [Float], excluded: [Bool], relevant: [Int32]) -> (bestRank: Double, auc: Double) {
        let candidates = (0..<s.count).filter { !excluded[$0] }
        let others = candidates.count - relevant.count
        var bestRank = Double.infinity, aucSum = 0.0
        for r in relevant {
            let sr = s[Int(r)]
            let greater = candidates.filter { s[$0] > sr }.count, equal = candidates.filter { s[$0] == sr }.count - 1
            bestRank = min(bestRank, 1 + Double(greater) + Double(equal) / 2)
            let relGreater = relevant.filter { $0 != r && s[Int($0)] > sr }.count
            let relEqual = relevant.filter { $0 != r && s[Int($0)] == sr }.count
            if others > 0 {
                aucSum += (Double(others) - Double(greater - relGreater) - Double(equal - relEqual) / 2) / Double(others)
            }
        }
        return (bestRank, others > 0 ? aucSum / Double(relevant.count) : 0.5)
    }

    override func tearDown() {
        _ = KernelPath.select(.avx512) || KernelPath.select(.avx2) || KernelPath.select(.sse2)
        super.tearDown()
    }

    /// Runs `body` on each kernel path this CPU has, with a fresh source of the same seed.
    func onEveryPath(seed: UInt64, _ body: (KernelPath, RandomSource) -> Void) {
        for path in KernelPath.allCases where path.isSupported {
            XCTAssertTrue(KernelPath.select(path))
            body(path, RandomSource(seed: seed))
        }
    }

    /// The counting kernel on every path this CPU has, against counting user by user, on
    /// rows of hundreds of users and many levels (buckets holding several), with
    /// ties, −0, scores below every level, huge and tiny spreads and extreme values, and
    /// excluded users taken back out; then the whole of `ranks` against the definition on the
    /// same rows.
    func testKernelCountingMatchesBruteForceOnEveryPath() {
        onEveryPath(seed: 23) { path, rng in
            for trial in 0..<120 {
                let users = 1 + rng.below(trial % 4 == 0 ? 9 : 700)
                let spread: Float = [1, 1e-6, 3e30, 0.25][trial % 4]
                let coarse = trial % 3 == 0  // few distinct scores: many ties
                var s = (0..<users).map { _ in coarse ? Float(rng.below(6)) * spread : (rng.uniform() * 2 - 1) * spread }
                if trial % 5 == 0 { s[rng.below(users)] = -0.0 }
                if trial % 7 == 0 {  // extremes: a bucket's arithmetic underflows or overflows
                    let extremes: [Float] = [0, -0.0, 1e-40, 2e-40, .leastNonzeroMagnitude, 3e38, -3e38, .greatestFiniteMagnitude]
                    for _ in 0..<Swift.max(1, users / 3) { s[rng.below(users)] = extremes[rng.below(extremes.count)] }
                }
                let excluded = (0..<users).map { _ in rng.below(5) == 0 }
                var relevant = (0..<users).filter { !excluded[$0] && rng.below(trial % 2 == 0 ? 3 : 40) == 0 }.map { Int32($0) }
                if relevant.isEmpty, let u = (0..<users).first(where: { !excluded[$0] }) { relevant = [Int32(u)] }
                guard !relevant.isEmpty else { continue }
                rng.shuffle(&relevant)
                let levels = ScoreLevels(relevant.map { s[Int($0)] })
                var above = [Int](repeating: 0, count: levels.count + 1), equal = above
                s.withUnsafeMutableBufferPointer { levels.count($0.baseAddress!, users: users, above: &above, equal: &equal) }
                var slowAbove = [Int](repeating: 0, count: levels.count + 1), slowEqual = slowAbove
                for x in s where x >= levels.values[0] {
                    let j = levels.values.firstIndex(where: { $0 >= x }) ?? levels.count
                    slowAbove[j] += 1
                    if j < levels.count && levels.values[j] == x { slowEqual[j] += 1 }
                }
                XCTAssertEqual(above, slowAbove, "\(path) trial \(trial)")
                XCTAssertEqual(equal, slowEqual, "\(path) trial \(trial)")
                let excludedUsers = (0..<users).filter { excluded[$0] }.map { Int32($0) }
                let others = users - excludedUsers.count - relevant.count
                let fast = s.withUnsafeMutableBufferPointer {
                    Evaluator.ranks($0.baseAddress!, users: users, excludedUsers: excludedUsers, relevant: relevant, others: others)
                }
                let slow = reference(s, excluded: excluded, relevant: relevant)
                XCTAssertEqual(fast.bestRank, slow.bestRank, "\(path) trial \(trial)")
                XCTAssertEqual(fast.auc, slow.auc, "\(path) trial \(trial)")
            }
        }
    }

    /// The first score above a floor, found a vector at a time, against looking one by one.
    func testFirstAboveMatchesAPlainSearchOnEveryPath() {
        onEveryPath(seed: 5) { path, rng in
            for trial in 0..<200 {
                let n = rng.below(300)
                let s = (0..<n).map { _ in Float(rng.below(50)) }
                let floor = Float(rng.below(60)) - 5, from = rng.below(n + 1)
                let expected = (from..<n).first(where: { s[$0] > floor }) ?? n
                XCTAssertEqual(Int(rk_first_above(s, Int64(from), Int64(n), floor)), expected, "\(path) trial \(trial)")
            }
        }
    }

    /// NaNs and infinities counted a vector at a time, against looking one by one.
    func testNonFiniteCountMatchesAPlainCountOnEveryPath() {
        onEveryPath(seed: 6) { path, rng in
            for trial in 0..<100 {
                let n = rng.below(200)
                let special: [Float] = [.nan, .infinity, -.infinity, .greatestFiniteMagnitude, 1]
                let s = (0..<n).map { _ in rng.below(4) == 0 ? special[rng.below(special.count)] : rng.uniform() }
                var nan: Int64 = 1, infinite: Int64 = 2  // added to, not overwritten
                rk_count_nonfinite(s, Int64(n), &nan, &infinite)
                XCTAssertEqual(Int(nan), 1 + s.filter(\.isNaN).count, "\(path) trial \(trial)")
                XCTAssertEqual(Int(infinite), 2 + s.filter(\.isInfinite).count, "\(path) trial \(trial)")
            }
        }
    }

    func testCountingMatchesTheDefinitionWithTies() {
        let rng = RandomSource(seed: 19)
        for trial in 0..<300 {
            let users = 1 + rng.below(60)
            let levels = 1 + rng.below(trial % 3 == 0 ? 3 : 12)  // few distinct scores: many ties
            var s = (0..<users).map { _ in Float(rng.below(levels)) * 0.25 - 1 }
            if trial % 5 == 0 { s[rng.below(users)] = -0.0 }  // −0 ties with 0
            let excluded = (0..<users).map { _ in rng.below(4) == 0 }
            var relevant = (0..<users).filter { !excluded[$0] && rng.below(3) == 0 }.map { Int32($0) }
            if relevant.isEmpty, let u = (0..<users).first(where: { !excluded[$0] }) { relevant = [Int32(u)] }
            guard !relevant.isEmpty else { continue }
            rng.shuffle(&relevant)
            let others = excluded.filter { !$0 }.count - relevant.count
            let excludedUsers = (0..<users).filter { excluded[$0] }.map { Int32($0) }
            let fast = s.withUnsafeMutableBufferPointer {
                Evaluator.ranks($0.baseAddress!, users: users, excludedUsers: excludedUsers, relevant: relevant, others: others)
            }
            let slow = reference(s, excluded: excluded, relevant: relevant)
            XCTAssertEqual(fast.bestRank, slow.bestRank, "trial \(trial)")
            XCTAssertEqual(fast.auc, slow.auc, "trial \(trial): the same sums in the same order")
        }
    }
}
