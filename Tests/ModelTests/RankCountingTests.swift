import XCTest
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
            let fast = s.withUnsafeMutableBufferPointer {
                Evaluator.ranks($0.baseAddress!, users: users, excluded: excluded, relevant: relevant, others: others)
            }
            let slow = reference(s, excluded: excluded, relevant: relevant)
            XCTAssertEqual(fast.bestRank, slow.bestRank, "trial \(trial)")
            XCTAssertEqual(fast.auc, slow.auc, "trial \(trial): the same sums in the same order")
        }
    }
}
