import Foundation
import Lang

/// The contents of the kernel's replies that are answered from the text alone or from the
/// session's names: kernel info, completion, inspection (the `?` help), completeness.
enum Messages {
    static func kernelInfo() -> JSON {
        ["status": "ok", "protocol_version": .string(Wire.protocolVersion), "implementation": "rec",
         "implementation_version": .string(Rec.version),
         "language_info": ["name": "rec", "version": .string(Rec.version), "mimetype": "text/x-rec",
                           "file_extension": ".rec", "pygments_lexer": "text", "codemirror_mode": "text/plain"],
         "banner": .string("rec \(Rec.version): a workbench for deep-learning hybrid recommenders. ?name for help on a builtin."),
         "help_links": []]
    }

    /// `complete_request`: the REPL's candidates for the word at the cursor, and the range
    /// they replace (in Unicode code points, as the protocol counts).
    static func complete(code: String, cursor: Int, session: Session) -> JSON {
        let (before, after) = split(code, at: cursor)
        let lineStart = before.lastIndex(of: "\n").map { before.index(after: $0) } ?? before.startIndex
        let typed = String(before[lineStart...])
        let line = typed + String(after.prefix { $0 != "\n" })
        let matches = Completion.candidates(line: line, end: typed.count, session: session)
        let replaced = replacedSuffix(of: typed, by: matches)
        let position = before.unicodeScalars.count
        return ["status": "ok", "matches": .array(matches.map { .string($0) }),
                "cursor_start": .int(position - replaced.unicodeScalars.count), "cursor_end": .int(position), "metadata": [:]]
    }

    /// The longest end of `typed` that every candidate begins with (what they replace).
    static func replacedSuffix(of typed: String, by matches: [String]) -> Substring {
        guard !matches.isEmpty else { return "" }
        var start = typed.startIndex
        while start < typed.endIndex {
            let tail = typed[start...]
            if matches.allSatisfy({ $0.hasPrefix(tail) }) { return tail }
            start = typed.index(after: start)
        }
        return ""
    }

    /// `inspect_request`: the `?` help of what is named at the cursor — a builtin, a variable,
    /// `x.member` — or of the call the cursor is in.
    static func inspect(code: String, cursor: Int, session: Session) -> JSON {
        let (before, after) = split(code, at: cursor)
        let isName = { (c: Character) in c.isLetter || c.isNumber || c == "_" || c == "." }
        var name = String(before.reversed().prefix(while: isName).reversed()) + String(after.prefix(while: isName))
        name = name.trimmingCharacters(in: CharacterSet(charactersIn: "."))
        if name.isEmpty { name = Completion.enclosingCall(ArraySlice(Array(before))) ?? "" }
        let found = !name.isEmpty && (session.builtin(name) != nil || session.variables[name] != nil || isMember(name, session))
        return ["status": "ok", "found": .bool(found), "metadata": [:],
                "data": found ? ["text/plain": .string(Help.text(for: name, session: session))] : [:]]
    }

    /// Whether `x.member` names a member of the value bound to x.
    static func isMember(_ name: String, _ session: Session) -> Bool {
        guard let dot = name.lastIndex(of: "."), let value = session.variables[String(name[..<dot])] else { return false }
        let member = name[name.index(after: dot)...]
        return session.members(of: value).contains { $0.name == member }
    }

    /// `is_complete_request`: the reader's answer — a statement still open is "incomplete",
    /// one that cannot parse "invalid".
    static func isComplete(code: String) -> JSON {
        var reader = StatementReader(origin: "cell"), invalid = false
        for line in StatementReader.lines(of: code) {
            if let chunk = reader.feed(line), case .failure = chunk.parsed { invalid = true }
        }
        if reader.isPending { return ["status": "incomplete", "indent": ""] }
        return ["status": invalid ? "invalid" : "complete"]
    }

    /// The text before and after a cursor given in Unicode code points (clamped to the text).
    static func split(_ code: String, at cursor: Int) -> (String, String) {
        let scalars = code.unicodeScalars
        let index = scalars.index(scalars.startIndex, offsetBy: max(0, min(cursor, scalars.count)))
        return (String(scalars[..<index]), String(scalars[index...]))
    }
}
