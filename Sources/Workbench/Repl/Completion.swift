import CEditLine
import Foundation
import Lang

/// Tab completion from the builtin registry and the session: names and builtins, members
/// after `.` (of the value bound to the name), keyword arguments inside a call,
/// meta-commands at the start of a line, and file paths inside a string (from the current
/// directory or the data directory). Pure: `candidates` takes the line and the cursor; libedit glue below.
enum Completion {
    static var metaCommands: [String] { MetaCommands.names }

    /// Completions for the word that ends at `end` in `line`.
    static func candidates(line: String, end: Int, session: Session) -> [String] {
        let chars = Array(line.prefix(end))
        var start = chars.count
        while start > 0, isWord(chars[start - 1]) { start -= 1 }
        let word = String(chars[start...])
        // A meta-command's file argument: a path from the current directory.
        if let command = metaWithFile(chars) {
            let argument = String(chars[(command.count + 1)...]).trimmingCharacters(in: .whitespaces)
            return paths(argument, base: nil)
        }
        // Inside a string: a path from the current directory (where save and export write, and
        // load looks first) or from the data directory (where data is read).
        if chars[..<start].filter({ $0 == "\"" }).count % 2 == 1, let quote = chars[..<start].lastIndex(of: "\"") {
            let partial = String(chars[(quote + 1)...])
            return Array(Set(paths(partial, base: nil) + paths(partial, base: session.dataDirectory))).sorted()
        }
        // A meta-command.
        if start == 1, chars.first == ":" { return metaCommands.filter { $0.hasPrefix(":" + word) }.map { String($0.dropFirst()) } }
        // `?name`: libedit's word includes the `?`, so the candidates keep it.
        if chars.first == "?" {
            return candidates(line: String(chars.dropFirst()), end: chars.count - 1, session: session).map { "?" + $0 }
        }
        // A member after `name.`.
        if start > 0, chars[start - 1] == "." {
            var s = start - 1
            while s > 0, isWord(chars[s - 1]) { s -= 1 }
            let name = String(chars[s..<(start - 1)])
            guard let value = session.variables[name] else { return [] }
            // libedit's word runs through the dot, so the candidates do too.
            return session.members(of: value).map(\.name).filter { $0.hasPrefix(word) }.sorted().map { name + "." + $0 }
        }
        var names = Array(session.variables.keys) + session.builtinNames
        // Keyword arguments of the call (or method call) the cursor is in.
        if let callee = enclosingCall(chars[..<start]), let parameters = parameters(of: callee, session: session) {
            names = parameters.map { $0.name + ":" } + names
        }
        return Array(Set(names.filter { $0.hasPrefix(word) })).sorted()
    }

    static func isWord(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" }

    /// `:run`, `:step`, `:save` or `:export` followed by a space: the command.
    static func metaWithFile(_ chars: [Character]) -> String? {
        let text = String(chars)
        return [":run", ":step", ":save", ":export"].first { text.hasPrefix($0 + " ") }
    }

    /// The parameters of a builtin (`fit`) or of a method of a variable's value (`ml.split`).
    static func parameters(of callee: String, session: Session) -> [Parameter]? {
        let parts = callee.split(separator: ".").map(String.init)
        if parts.count == 1 { return session.builtin(callee)?.parameters }
        guard parts.count == 2, let value = session.variables[parts[0]] else { return nil }
        return session.members(of: value).first { $0.name == parts[1] }?.parameters
    }

    /// The builtin whose argument list is open at the end of `prefix`, if any.
    static func enclosingCall(_ prefix: ArraySlice<Character>) -> String? {
        var depth = 0, i = prefix.endIndex
        while i > prefix.startIndex {
            i -= 1
            switch prefix[i] {
            case ")", "]": depth += 1
            case "[": depth -= 1
            case "(":
                if depth == 0 {
                    var s = i
                    while s > prefix.startIndex, isWord(prefix[s - 1]) || prefix[s - 1] == "." { s -= 1 }
                    return s < i ? String(prefix[s..<i]) : nil
                }
                depth -= 1
            default: break
            }
        }
        return nil
    }

    /// Entries that complete `partial`: relative to `base` (nil: the current directory)
    /// unless it starts with `/`, `./` or `../`.
    static func paths(_ partial: String, base: String?) -> [String] {
        let absolute = partial.hasPrefix("/") || partial.hasPrefix("./") || partial.hasPrefix("../")
        let full = absolute || base == nil ? partial : ((base ?? ".") as NSString).appendingPathComponent(partial)
        let atDirectory = partial.hasSuffix("/") || partial.isEmpty
        let dir = atDirectory ? full : (full as NSString).deletingLastPathComponent
        let stem = atDirectory ? "" : (full as NSString).lastPathComponent
        let shownDir = atDirectory ? partial : String(partial.dropLast(stem.count))
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: dir.isEmpty ? "." : dir) else { return [] }
        return entries.filter { $0.hasPrefix(stem) && !$0.hasPrefix(".") }.sorted().map { entry in
            var isDir: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: (dir as NSString).appendingPathComponent(entry), isDirectory: &isDir)
            return shownDir + entry + (exists && isDir.boolValue ? "/" : "")
        }
    }
}

/// The libedit side: C callbacks capture nothing, so they read the session and the current
/// candidates from here.
enum LineEditor {
    nonisolated(unsafe) static var session: Session?
    nonisolated(unsafe) static var matches: [String] = []

    static func install(_ s: Session) {
        session = s
        useUTF8()
        rec_set_catch_signals(0)
        rec_set_getc_function(KeyReader.read)
        Interrupts.installTerminalSignals()
        TypeAhead.install()
        rec_use_word_breaks()
        rec_set_completion_function { text, start, end in
            guard let session = LineEditor.session, let buffer = rec_line_buffer() else { return nil }
            let line = String(cString: buffer)
            // Positions from libedit count bytes; the completion works on characters.
            let prefix = String(decoding: Array(line.utf8.prefix(Int(end))), as: UTF8.self)
            LineEditor.matches = Completion.candidates(line: line, end: prefix.count, session: session)
            rec_set_attempted_completion_over(1)  // never fall back to file-name completion of the whole line
            rec_set_completion_append_character(0)
            guard !LineEditor.matches.isEmpty else { return nil }
            return rl_completion_matches(text) { _, state in
                // libedit calls this with state 0, 1, 2, … until it returns nil.
                let i = Int(state)
                guard i < LineEditor.matches.count else { return nil }
                return strdup(LineEditor.matches[i])
            }
        }
    }

    /// libedit converts prompts and input with the C library's multibyte functions: under the
    /// "C" locale a non-ASCII character in a prompt crashed it, and typed ones were garbled.
    /// Character classes follow the user's locale, or C.UTF-8 when that is plain C.
    static func useUTF8() {
        let current = setlocale(LC_CTYPE, "").map { String(cString: $0) } ?? "C"
        if !current.uppercased().contains("UTF-8") && !current.uppercased().contains("UTF8") {
            _ = setlocale(LC_CTYPE, "C.UTF-8")
        }
    }

    /// Reads a line with editing; nil at end of input (Ctrl-D) or when Ctrl-C interrupted the read.
    /// Keys typed after it, while the line runs, wait for the next read.
    static func read(_ prompt: String) -> String? {
        KeyReader.begin()
        guard let raw = readline(prompt) else { return nil }
        defer { free(raw) }
        TypeAhead.hold()
        return String(cString: raw)
    }
}
