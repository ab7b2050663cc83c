/// A test part trained on, fitted on or chosen on is no test any more: the figures read on it
/// afterwards are optimistic. It is allowed (a last check may want it), with a warning that
/// says so, wherever a part is learned from or selected on.
enum TestPartWarning {
    /// Warns when `part` is a test part; `use` says what `callee` does with it ("trains on").
    static func check(_ part: EventsObject?, _ callee: String, _ use: String, _ s: Session) {
        guard let part, part.name.hasPrefix("test") else { return }
        s.warn("\(callee) \(use) \(part.name), a test part: figures read on it afterwards are no test "
               + "(learn on split.train, choose on split.valid_…, read the test once at the end)")
    }
}
