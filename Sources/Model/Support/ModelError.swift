/// Errors the numeric core reports for bad input: a wrong shape, an out-of-range id, a bad
/// argument. They name the operation and the shapes involved, so a user can see at once what
/// went wrong. Programmer errors (broken invariants) are preconditions instead.
public struct ModelError: Error, CustomStringConvertible, Equatable, Sendable {
    public let operation: String
    public let message: String

    public init(_ operation: String, _ message: String) {
        self.operation = operation
        self.message = message
    }

    public var description: String { "\(operation): \(message)" }

    static func shapes(_ op: String, _ a: Shape, _ b: Shape, _ why: String = "shapes do not match") -> ModelError {
        ModelError(op, "\(why): \(a) and \(b)")
    }
}
