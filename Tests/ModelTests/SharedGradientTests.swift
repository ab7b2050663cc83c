import XCTest
@testable import Model

/// A `+` of two gathers hands both one gradient tensor (no copy); a node holding it that gets
/// more gradient from elsewhere must not change it in place. Finite differences on graphs where
/// each kind of later addition happens: another `+`, a product's gradient, a gather's scatter.
final class SharedGradientTests: XCTestCase {
    func testGathersMergedByAddHaveTheirGradients() throws {
        for sparse in [false, true] {
            let table = param(9, 4, seed: 71, name: "table", sparse: sparse)
            let other = param(6, 4, seed: 72, name: "other", sparse: sparse)
            let extra = param(5, 4, seed: 73, name: "extra"), w = param(4, 3, seed: 74, name: "w")
            try assertGradients([table, other, extra, w]) {
                let a = try Variable.gather(table, [1, 3, 3, 8, 0])
                let b = try Variable.gather(other, [5, 2, 2, 0, 4])
                let merged = try a + b
                // a also flows into another sum, b into a product, after the merge has shared g.
                let more = try (a + extra) * merged
                let product = try Variable.matmul(b, w)
                return try weighted(merged).sum() + weighted(more) + weighted(product, seed: 5)
            }
            // The same node twice, and a gather of a gather (a scatter into a shared gradient).
            try assertGradients([table]) {
                let a = try Variable.gather(table, [2, 7, 7])
                let inner = try Variable.gather(a, [0, 2, 1, 1])
                return try weighted(a + a) + weighted(inner + inner, seed: 3) + weighted(inner + Variable.gather(a, [1, 1, 0, 2]), seed: 4)
            }
        }
    }

    /// The shared path gives the bits of the copying one.
    func testSharingGivesTheSameGradients() throws {
        let table = param(9, 4, seed: 81, name: "table", sparse: true), other = param(6, 4, seed: 82)
        func gradients(shared: Bool) throws -> [[UInt32]] {
            for p in [table, other] { p.zeroGrad() }
            let a = try Variable.gather(table, [1, 3, 3, 8, 0])
            // A tensor times one is the same values but not a gather: the copying path.
            let b = shared ? try Variable.gather(other, [5, 2, 2, 0, 4]) : try Variable.gather(other, [5, 2, 2, 0, 4]) * 1
            try weighted(a + b).backward()
            return [table.denseGrad, other.denseGrad].map { $0.scalars.map(\.bitPattern) }
        }
        XCTAssertEqual(try gradients(shared: true), try gradients(shared: false))
    }
}
