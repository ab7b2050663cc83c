import XCTest
@testable import Model

/// A split batch's step (`GradientWorkers.step`): the parts' gradients added in part order
/// and the optimizer's step taken — cut across the threads by element ranges and rows for
/// Adagrad (`PartedUpdate`), on the calling thread for other optimizers — give the same bits
/// as the gradients added on one thread and the whole step, for sizes that are not multiples
/// of the kernels' blocks and rows that several parts touch.
final class PartedStepTests: XCTestCase {
    /// Dense parameters of awkward sizes, a table with row gradients and one with both kinds.
    func parameters() throws -> [Variable] {
        let rng = RandomSource(seed: 11)
        return [Variable(parameter: try Tensor.normal(Shape(1013), rng: rng), name: "a"),
                Variable(parameter: try Tensor.normal(Shape(7), rng: rng), name: "b"),
                Variable(parameter: try Tensor.normal(Shape(40, 9), rng: rng), name: "c"),
                Variable(parameter: try Tensor.normal(Shape(50, 12), rng: rng), name: "rows", sparse: true),
                Variable(parameter: try Tensor.normal(Shape(30, 5), rng: rng), name: "both", sparse: true)]
    }

    /// Part `part`'s gradients in step `step`: dense ones everywhere but on `rows` (none on
    /// `b` in part 1, so a sum may start at a later part), and rows of the tables (part 2
    /// none of `rows`'s).
    func addGradients(_ ps: [Variable], step: Int, part: Int) throws {
        let rng = RandomSource(seed: UInt64(100 * step + part))
        for p in ps where p.name != "rows" && !(p.name == "b" && part == 1) {
            p.accumulate(try Tensor.normal(p.value.shape, rng: rng))
        }
        for p in ps where p.sparseGrad != nil && !(p.name == "rows" && part == 2) {
            let indices = (0..<23).map { _ in Int32(rng.below(p.value.shape[0])) }
            p.sparseGrad!.add(indices, try Tensor.normal(Shape(indices.count, p.value.shape[1]), rng: rng))
        }
    }

    func bits(_ ps: [Variable], _ optimizer: Optimizer) -> [[UInt32]] {
        ps.map { $0.value.scalars.map(\.bitPattern) } + optimizer.state(of: ps).slots.flatMap { $0.map { $0.scalars.map(\.bitPattern) } }
    }

    /// The same three steps the way the parts' gradients were first added: every part's
    /// gradient whole (a row touched twice in a part summed there), the parts' sums merged in
    /// part order on one thread (`run`), then the optimizer's whole step.
    func whole(threads: Int, _ optimizer: Optimizer) throws -> [[UInt32]] {
        let ps = try parameters()
        let workers = GradientWorkers(parameters: ps, threads: threads)
        for step in 1...3 {
            _ = try workers.run(examples: 10, rng: RandomSource(seed: 1)) { part in
                try self.addGradients(ps, step: step, part: part.index)
            }
            optimizer.step(ps)
        }
        workers.release()
        return bits(ps, optimizer)
    }

    /// The same three steps, each part's gradients made by that part on its thread.
    func split(threads: Int, _ optimizer: Optimizer) throws -> [[UInt32]] {
        let ps = try parameters()
        let workers = GradientWorkers(parameters: ps, threads: threads)
        for step in 1...3 {
            _ = try workers.step(examples: 10, rng: RandomSource(seed: 1), optimizer: optimizer, { part in
                try self.addGradients(ps, step: step, part: part.index)
            }, proceed: { _ in true })
            workers.settle()  // the update ends on the helpers after the step returns
            XCTAssertTrue(ps.allSatisfy { $0.grad == nil && ($0.sparseGrad?.count ?? 0) == 0 })
        }
        workers.release()
        return bits(ps, optimizer)
    }

    func testACutAdagradStepGivesTheWholeStepsBits() throws {
        for threads in [2, 3] {
            XCTAssertEqual(try split(threads: threads, Adagrad(learningRate: 0.1)),
                           try whole(threads: threads, Adagrad(learningRate: 0.1)), "\(threads) threads")
        }
    }

    /// An optimizer that cannot be cut steps on the calling thread after the reduction.
    func testAnUncutOptimizerGetsThePartsGradientsAddedInPartOrder() throws {
        for threads in [2, 3] {
            XCTAssertEqual(try split(threads: threads, SGD(learningRate: 0.1)),
                           try whole(threads: threads, SGD(learningRate: 0.1)), "\(threads) threads")
        }
    }

    /// `proceed` refusing the step, or a part failing: no parameter moves, every gradient goes.
    func testNoStepWhenRefusedOrFailed() throws {
        let ps = try parameters(), before = ps.map { $0.value.scalars }
        let workers = GradientWorkers(parameters: ps, threads: 2)
        defer { workers.release() }
        let values = try workers.step(examples: 10, rng: RandomSource(seed: 1), optimizer: Adagrad(learningRate: 0.1), { part in
            try self.addGradients(ps, step: 1, part: part.index)
            return part.index
        }, proceed: { values in values == [0, 1] ? false : true })
        XCTAssertEqual(values, [0, 1])
        XCTAssertThrowsError(try workers.step(examples: 10, rng: RandomSource(seed: 1), optimizer: Adagrad(learningRate: 0.1), { part in
            try self.addGradients(ps, step: 1, part: part.index)
            if part.index == 1 { throw ModelError("part", "failed") }
        }, proceed: { _ in true }))
        workers.settle()  // the gradients are cleared once the helpers are done with them
        XCTAssertEqual(ps.map { $0.value.scalars }, before)
        XCTAssertTrue(ps.allSatisfy { $0.grad == nil && ($0.sparseGrad?.count ?? 0) == 0 })
        XCTAssertTrue(ps.allSatisfy { $0.partCopies!.allSatisfy { $0.grad == nil && ($0.sparseGrad?.count ?? 0) == 0 } })
    }

    /// `proceed` throwing: the step throws its error, no parameter moves, every gradient goes.
    /// `prepare` runs once a step whether the batch is split (on a helper: seen after
    /// `settle`) or not (on this thread), and whether or not the step is taken.
    func testProceedThrowingAndPrepare() throws {
        let ps = try parameters(), before = ps.map { $0.value.scalars }
        let workers = GradientWorkers(parameters: ps, threads: 2)
        defer { workers.release() }
        var prepared = 0
        XCTAssertThrowsError(try workers.step(examples: 10, rng: RandomSource(seed: 1), optimizer: Adagrad(learningRate: 0.1), { part in
            try self.addGradients(ps, step: 1, part: part.index)
        }, proceed: { _ in throw ModelError("proceed", "refused") }, prepare: { prepared += 1 })) { error in
            XCTAssertTrue("\(error)".contains("refused"), "\(error)")
        }
        workers.settle()
        XCTAssertEqual(prepared, 1)
        XCTAssertEqual(ps.map { $0.value.scalars }, before)
        XCTAssertTrue(ps.allSatisfy { $0.grad == nil && ($0.sparseGrad?.count ?? 0) == 0 })
        XCTAssertTrue(ps.allSatisfy { $0.partCopies!.allSatisfy { $0.grad == nil && ($0.sparseGrad?.count ?? 0) == 0 } })
        _ = try workers.step(examples: 1, rng: RandomSource(seed: 1), optimizer: Adagrad(learningRate: 0.1), { part in
            try self.addGradients(ps, step: 1, part: part.index)
        }, proceed: { _ in true }, prepare: { prepared += 1 })
        XCTAssertEqual(prepared, 2, "a batch of one is not split: prepared on this thread")
        XCTAssertNotEqual(ps.map { $0.value.scalars }, before)
    }
}
