/// A problem with an input file, naming the place: `file:line: message` (no line when the
/// problem is the whole file: missing, empty, unreadable).
public struct DataError: Error, CustomStringConvertible, Equatable, Sendable {
    public let file: String
    public let line: Int?
    public let message: String

    public init(file: String, line: Int? = nil, _ message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String {
        if let line { return "\(file):\(line): \(message)" }
        return "\(file): \(message)"
    }
}
