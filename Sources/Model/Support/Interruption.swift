/// Ctrl-C for bulk work that has no progress monitor of its own — filling a tensor of a few GB
/// with random numbers takes seconds. The session running a statement binds its cancel flag
/// here; such loops work in chunks of about a millisecond and look at the flag between them.
public enum Interruption {
    /// The flag of the statement running on this task (nil outside a session: tests, benches).
    @TaskLocal public static var flag: CancelFlag?

    /// Elements a bulk loop handles between looks at the flag.
    static let chunk = 1 << 20

    /// Throws `Cancelled` when Ctrl-C was pressed during the current statement.
    public static func check() throws {
        if let flag, flag.isSet { throw Cancelled() }
    }

    /// Runs `body` over consecutive ranges covering 0..<count, in order, checking the flag
    /// between them: the same work, in the same order, as one call over the whole range.
    static func chunked(_ count: Int, _ body: (Range<Int>) -> Void) throws {
        var start = 0
        while start < count {
            let end = Swift.min(count, start + chunk)
            body(start..<end)
            start = end
            if start < count { try check() }
        }
    }
}
