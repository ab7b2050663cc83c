import XCTest
@testable import Model

/// The parts of a split batch meeting mid-graph (`PartSeat.sum`): every part gets the same sum
/// in part order; a part that fails before the meeting never leaves the others waiting, and the
/// step reports its error; the next step meets afresh.
final class PartMeetingTests: XCTestCase {
    struct Boom: Error, Equatable {}

    func testEveryPartGetsTheSumOfAllShares() throws {
        for threads in [2, 3] {
            let workers = GradientWorkers(parameters: [], threads: threads)
            defer { workers.release() }
            for round in 0..<50 {
                let sums = try workers.run(examples: 7, rng: RandomSource(seed: 1)) { part -> [Float] in
                    let seat = try XCTUnwrap(part.seat)
                    // Two meetings a step, as the Gramian op has (forward, backward).
                    let a = try XCTUnwrap(seat.sum(Tensor([Float(part.index + 1), Float(round)])))
                    let b = try XCTUnwrap(seat.sum(Tensor([Float(10 * (part.index + 1))])))
                    return a.scalars + b.scalars
                }
                let n = Float(threads * (threads + 1) / 2)
                XCTAssertEqual(sums, [[Float]](repeating: [n, Float(round * threads), 10 * n], count: threads))
            }
        }
    }

    /// A part may post its share, work on, and collect the sum later (`post`, `posted`): the
    /// same sums, also when one part works much longer between the two than the other, and a
    /// fast part's next post never overwrites a round a slow part has yet to read.
    func testPostingThenCollectingGivesTheSameSums() throws {
        for threads in [2, 3] {
            let workers = GradientWorkers(parameters: [], threads: threads)
            defer { workers.release() }
            for round in 0..<30 {
                let sums = try workers.run(examples: 7, rng: RandomSource(seed: 1)) { part -> [Float] in
                    let seat = try XCTUnwrap(part.seat)
                    var got: [Float] = []
                    for meeting in 0..<3 {
                        seat.post(Tensor([Float(part.index + 1 + meeting), Float(round)]))
                        // The slow part changes from round to round.
                        if part.index == round % threads { Thread.sleep(forTimeInterval: 0.0005) }
                        got += try XCTUnwrap(seat.posted()).scalars
                    }
                    return got
                }
                let n = Float(threads * (threads + 1) / 2), t = Float(threads)
                let want: [Float] = [n, Float(round) * t, n + t, Float(round) * t, n + 2 * t, Float(round) * t]
                XCTAssertEqual(sums, [[Float]](repeating: want, count: threads), "round \(round), \(threads) threads")
            }
        }
    }

    func testAPartFailingBeforeTheMeetingFailsTheStepWithItsOwnError() throws {
        let workers = GradientWorkers(parameters: [], threads: 2)
        defer { workers.release() }
        for failing in [0, 1] {
            XCTAssertThrowsError(try workers.run(examples: 4, rng: RandomSource(seed: 1)) { part -> Float in
                // The failing part is slow to fail: the other is already waiting at the meeting.
                if part.index == failing {
                    Thread.sleep(forTimeInterval: 0.05)
                    throw Boom()
                }
                guard let sum = part.seat?.sum(Tensor([1])) else { throw PartAbandoned() }
                return sum.scalars[0]
            }) { XCTAssertTrue($0 is Boom, "\($0)") }
            // The next step meets afresh.
            let sums = try workers.run(examples: 4, rng: RandomSource(seed: 1)) { part in
                try XCTUnwrap(part.seat?.sum(Tensor([Float(part.index)]))).scalars
            }
            XCTAssertEqual(sums, [[1], [1]])
        }
    }

    func testAnUnsplitBatchHasNoSeat() throws {
        let workers = GradientWorkers(parameters: [], threads: 2)
        defer { workers.release() }
        // One example: one part, nobody to meet.
        let seats = try workers.run(examples: 1, rng: RandomSource(seed: 1)) { $0.seat == nil }
        XCTAssertEqual(seats, [true])
    }
}
