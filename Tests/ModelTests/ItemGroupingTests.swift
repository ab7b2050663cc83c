import XCTest
@testable import Model

/// A split batch grouped by item (`ItemGrouping`): the same examples, each item's in one part
/// (but for a group a cut between parts runs through), parts with about as many distinct items.
final class ItemGroupingTests: XCTestCase {
    func testEachItemFallsInOnePartAndTheExamplesStayTheSame() {
        let rng = RandomSource(seed: 3)
        let grouping = ItemGrouping(items: 50)
        for (n, parts) in [(256, 2), (100, 3), (7, 2), (1, 2), (64, 1)] {
            for _ in 0..<20 {
                // Popular items: a few repeat often, most appear once.
                var items = (0..<n).map { _ in Int32(rng.below(2) == 0 ? rng.below(4) : rng.below(50)) }
                var positives = (0..<n).map { _ in Int32(rng.below(1000)) }
                let before = zip(items, positives).map { [$0, $1] }
                var again = (items, positives)
                grouping.group(&items, &positives, parts: parts)
                XCTAssertEqual(zip(items, positives).map { [$0, $1] }.sorted { $0.lexicographicallyPrecedes($1) },
                               before.sorted { $0.lexicographicallyPrecedes($1) }, "the same examples")
                grouping.group(&again.0, &again.1, parts: parts)
                XCTAssertEqual(again.0, items, "deterministic")
                XCTAssertEqual(again.1, positives)
                // An item's examples are consecutive.
                var seen = Set<Int32>()
                for k in 0..<n where k == 0 || items[k] != items[k - 1] {
                    XCTAssertTrue(seen.insert(items[k]).inserted, "item \(items[k]) in two runs")
                }
                // The parts `GradientWorkers` cuts share at most the item their cut runs through.
                let cuts = (0..<parts).map { k in (n * k / parts)..<(n * (k + 1) / parts) }
                let sets = cuts.map { Set(items[$0]) }
                for a in 0..<parts {
                    for b in (a + 1)..<max(a + 1, parts) { XCTAssertLessThanOrEqual(sets[a].intersection(sets[b]).count, 1) }
                }
            }
        }
    }

    /// On a skewed batch the parts' distinct items are about equal and add up to the batch's.
    func testThePartsShareTheDistinctItems() {
        let rng = RandomSource(seed: 5)
        let grouping = ItemGrouping(items: 1000)
        var items = (0..<256).map { _ in Int32(rng.below(3) == 0 ? rng.below(10) : rng.below(1000)) }
        var positives = [Int32](repeating: 0, count: 256)
        let distinct = Set(items).count
        grouping.group(&items, &positives, parts: 2)
        let halves = [Set(items[0..<128]), Set(items[128..<256])]
        XCTAssertLessThanOrEqual(halves[0].count + halves[1].count, distinct + 1)
        XCTAssertLessThanOrEqual(abs(halves[0].count - halves[1].count), 3, "\(halves.map(\.count))")
    }
}

extension ItemGrouping {
    /// A batch's columns grouped in place, for the tests (the trainer groups straight from the
    /// epoch's columns into the batch's).
    func group(_ items: inout [Int32], _ positives: inout [Int32], parts: Int) {
        let (fromItems, fromPositives) = (items, positives)
        guard !fromItems.isEmpty else { return }
        fromItems.withUnsafeBufferPointer { i in
            fromPositives.withUnsafeBufferPointer { p in
                items.withUnsafeMutableBufferPointer { outItems in
                    positives.withUnsafeMutableBufferPointer { outPositives in
                        group(i.baseAddress!, p.baseAddress!, i.count, into: outItems.baseAddress!, outPositives.baseAddress!,
                              parts: parts)
                    }
                }
            }
        }
    }
}
