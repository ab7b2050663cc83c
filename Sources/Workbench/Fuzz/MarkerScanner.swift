/// What one fed statement came to, as seen from the outside.
enum StatementOutcome: Equatable {
    case notRun
    /// Its output had no error line.
    case value
    case error
    /// Its marker never came: the reader took it together with a neighbour.
    case lost
}

/// Reads a child's merged output: after every statement the child prints a marker string
/// (`"fz~NONCE~K"`), so the lines between markers K-1 and K are statement K's output.
struct MarkerScanner {
    let prefix: String
    private(set) var outcomes: [StatementOutcome]
    /// The index of the last marker seen (-1: none yet).
    private(set) var last = -1
    /// The output since the last marker (its tail, for crash reports).
    private(set) var segment: [String] = []
    private var partial: [UInt8] = []
    private var segmentHasError = false
    static let segmentLimit = 3_000

    init(nonce: String, count: Int) {
        prefix = "\"fz~\(nonce)~"
        outcomes = Array(repeating: .notRun, count: count)
    }

    static func marker(nonce: String, _ k: Int) -> String { "\"fz~\(nonce)~\(k)\"" }

    /// Takes bytes read from the child; returns the statements whose markers came, in order.
    mutating func consume(_ bytes: UnsafeBufferPointer<UInt8>) -> [Int] {
        var finished: [Int] = []
        for b in bytes {
            if b == UInt8(ascii: "\n") {
                if line(String(decoding: partial, as: UTF8.self)) { finished.append(last) }
                partial.removeAll(keepingCapacity: true)
            } else if partial.count < 1 << 20 {
                partial.append(b)
            }
        }
        return finished
    }

    /// The output after the last marker, the unfinished line included.
    var tail: [String] {
        partial.isEmpty ? segment : segment + [String(decoding: partial, as: UTF8.self)]
    }

    private mutating func line(_ text: String) -> Bool {
        if text.hasPrefix(prefix), text.hasSuffix("\""), let k = Int(text.dropFirst(prefix.count).dropLast()),
           k > last, k < outcomes.count {
            for i in (last + 1)..<k { outcomes[i] = .lost }
            outcomes[k] = segmentHasError ? .error : .value
            last = k
            segment.removeAll(keepingCapacity: true)
            segmentHasError = false
            return true
        }
        if text.contains(": error: ") || text.hasPrefix("error: ") { segmentHasError = true }
        segment.append(text)
        if segment.count > Self.segmentLimit { segment.removeFirst(segment.count - Self.segmentLimit / 2) }
        return false
    }
}
