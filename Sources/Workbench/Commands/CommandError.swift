/// A command that cannot do its work (a file it cannot read or write, a malformed input):
/// printed as `error: …`, exit status 1.
struct CommandError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}
