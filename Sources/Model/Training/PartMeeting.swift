import Synchronization

/// Where the parts of a split batch meet inside their graphs to pool a small result that each
/// computed for its share of some shared work (wmse over all users: each part forms the users'
/// Gramian over its own slice of them, and the parts add the slices). Each part posts its share,
/// waits until every other part has posted, and reads them all in part order: every part adds
/// them in the same order, so all see the same bits, and a given thread count always gives the
/// same numbers.
///
/// A part whose body fails abandons the meeting (`GradientWorkers` sees to it), so that a part
/// waiting for it stops waiting and fails too, instead of waiting forever; the step then reports
/// the failing part's own error.
final class PartMeeting: @unchecked Sendable {  // slot k of `rounds` and `posts` is written by part k only
    let parts: Int
    /// Part k waits on gates[k]; every other part opens it once a round.
    private let gates: [Gate]
    /// Meetings each part has been to in this step.
    private let rounds: UnsafeMutableBufferPointer<Int>
    /// Posts of even rounds (slots 0..<parts), then of odd ones: a part posts round r + 2 only
    /// after every part has arrived at round r + 1, so after every part has read round r. Raw
    /// slots, not an array: parts write their own slots at once.
    private let posts: UnsafeMutableBufferPointer<Tensor?>
    private let abandoned = Atomic<Bool>(false)
    /// Added to the gates when the meeting is abandoned: beyond any round's target.
    private static let beyondAnyRound = 1 << 40

    init(parts: Int) {
        self.parts = parts
        gates = (0..<parts).map { _ in Gate() }
        rounds = .allocate(capacity: parts)
        rounds.initialize(repeating: 0)
        posts = .allocate(capacity: 2 * parts)
        posts.initialize(repeating: nil)
    }

    deinit {
        rounds.deallocate()
        _ = posts.deinitialize()
        posts.deallocate()
    }

    /// Before a step's parts start (none is running): a fresh meeting.
    func begin() {
        for g in gates { g.reset() }
        for k in 0..<parts { rounds[k] = 0 }
        abandoned.store(false, ordering: .sequentiallyConsistent)
    }

    /// A part failed: whoever waits, or comes to wait, stops waiting.
    func abandon() {
        abandoned.store(true, ordering: .sequentiallyConsistent)
        for g in gates { g.open(adding: PartMeeting.beyondAnyRound) }
    }

    /// Part k's share of its next round posted; the part may work on (on what does not need the
    /// sum) before it collects the round. A part posts round r + 1 only after collecting r.
    func post(part k: Int, _ share: Tensor) {
        rounds[k] += 1
        posts[(rounds[k] % 2) * parts + k] = share
        for j in 0..<parts where j != k { gates[j].open() }
    }

    /// Every part's share of part k's last posted round, in part order, once all have posted;
    /// nil when the meeting was abandoned (another part failed).
    func collect(part k: Int) -> [Tensor]? {
        let round = rounds[k], parity = round % 2
        gates[k].wait(until: round * (parts - 1))
        if abandoned.load(ordering: .sequentiallyConsistent) { return nil }
        // Every part has posted this round (else the meeting was abandoned).
        let all = (0..<parts).compactMap { posts[parity * parts + $0] }
        return all.count == parts ? all : nil
    }
}

/// A part's place at its batch's `PartMeeting`, as the ops of its graph see it.
public struct PartSeat {
    let meeting: PartMeeting
    /// The part, 0-based.
    public let part: Int
    public var parts: Int { meeting.parts }

    /// This part's slice of `count` rows (rows count·k/parts ..< count·(k + 1)/parts).
    public func rows(of count: Int) -> Range<Int> { PartedRanges.rows(count, piece: part, of: parts) }

    /// The sum of every part's `share` (each the same shape), added in part order: the same
    /// bits in every part. Nil when another part failed (this part's step fails with it).
    public func sum(_ share: Tensor) -> Tensor? {
        post(share)
        return posted()
    }

    /// This part's `share` posted, for `posted` to sum once the part has done what it can
    /// without the sum: a part that arrives early then works instead of waiting, and the
    /// parts' uneven work before and after the post can even out.
    public func post(_ share: Tensor) { meeting.post(part: part, share) }

    /// The sum of every part's share of the last `post` (as `sum`).
    public func posted() -> Tensor? {
        guard let all = meeting.collect(part: part) else { return nil }
        let total = all[0].copy()
        for t in all.dropFirst() { Kernels.add(t.pointer, into: total.pointer, total.count) }
        return total
    }
}

/// What a part throws when another part of its batch failed while it waited for that part: the
/// step reports the other part's error instead.
struct PartAbandoned: Error, CustomStringConvertible {
    var description: String { "training: another part of the batch stopped" }
}
