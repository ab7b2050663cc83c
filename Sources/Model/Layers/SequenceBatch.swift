/// A batch of word-id sequences, padded to the longest (after truncation) and laid out
/// time-major — step t's ids are contiguous — so each RNN step gathers one block.
public struct SequenceBatch {
    public let batchSize: Int
    public let steps: Int
    /// ids[t * batchSize + b]: word t of sequence b (0 where the sequence has ended).
    public let ids: [Int32]
    public let lengths: [Int32]

    public init(_ sequences: [[Int32]], maxLength: Int? = nil) {
        let limit = maxLength ?? Int.max
        let lengths = sequences.map { Int32(Swift.min($0.count, limit)) }
        let steps = Int(lengths.max() ?? 0)
        var ids = [Int32](repeating: 0, count: steps * sequences.count)
        for (b, seq) in sequences.enumerated() {
            for t in 0..<Int(lengths[b]) { ids[t * sequences.count + b] = seq[t] }
        }
        self.batchSize = sequences.count
        self.steps = steps
        self.ids = ids
        self.lengths = lengths
    }

    /// The ids of step t.
    func ids(at t: Int) -> [Int32] { Array(ids[(t * batchSize)..<((t + 1) * batchSize)]) }

    /// 1 for sequences still running at step t, 0 for those already ended: [B].
    func mask(at t: Int) -> Variable {
        Variable(Tensor(lengths.map { Int32(t) < $0 ? 1 : 0 }))
    }

    /// 1 / length per sequence (1 for empty ones), for the mean of states: [B].
    var inverseLengths: Variable {
        Variable(Tensor(lengths.map { 1 / Float(Swift.max($0, 1)) }))
    }
}

/// What a recurrent encoder returns for each sequence.
public enum RecurrentOutput: String, Sendable {
    /// The state after the sequence's last word.
    case last
    /// The mean of the states over the sequence's words.
    case mean
}

/// A recurrent encoder of word-id sequences: each sequence of a batch to one vector, [B, hidden].
public protocol RecurrentCell: Module {
    var hidden: Int { get }
    func forward(_ batch: SequenceBatch, _ context: ForwardContext) throws -> Variable
}

extension GRU: RecurrentCell {}
extension LSTM: RecurrentCell {}
