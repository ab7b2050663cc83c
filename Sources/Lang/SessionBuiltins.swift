import Model

enum SessionBuiltins {
    static func register(_ r: inout Registry) {
        r.add(Builtin("seed", [Parameter("n", "whole number")], summary: "Restart the session's random generator from seed n.",
                      doc: "Everything that samples (initialisation, dropout, negatives, splits) draws from it: the same script with the same seed gives the same numbers.",
                      example: "seed(42)") { a, s in
            let n = try a.int("n", min: 0)
            s.reseed(UInt64(n))
            return .none
        })
        r.add(Builtin("threads", [Parameter("n", "whole number")], summary: "Set how many threads training, BLAS and loading use.",
                      doc: "`fit` cuts each batch into n fixed parts trained at once (the same numbers for the same n; one thread gives the serial ones); scoring many users gains from two BLAS threads; `movielens` parses a ratings file on that many (the result is the same for any number). More than the machine's cores is clamped to them (with a warning).",
                      example: "threads(1)") { a, s in
            let n = try a.int("n", min: 1)
            let used = BLAS.setThreads(n)
            s.threads = used
            if used < n { s.warn("threads: this machine has \(Limits.cores) core\(Limits.cores == 1 ? "" : "s"); using \(used) thread\(used == 1 ? "" : "s"), not \(n)") }
            return .none
        })
        r.add(Builtin("help", [Parameter("name", "string", default: "\"\"")], summary: "Describe a builtin, or list them all.",
                      example: "help(\"fit\")") { a, s in
            // help(fit), as Python has it, answers as help("fit") does.
            if case .object(let b as BuiltinValue)? = a.value("name") { return .object(TextObject(Help.text(for: b.builtin.name, session: s))) }
            let name = try a.string("name")
            return .object(TextObject(Help.text(for: name, session: s)))
        })
        r.add(Builtin("vars", [], summary: "The session's variables with their types: a table.", example: "vars()") { _, s in
            .object(VariablesObject(s))
        })
    }
}

/// Help texts from the registry (`help`, `?name`, `rec reference`).
public enum Help {
    /// The language reference as Markdown: every builtin and every member, from the registry.
    public static func markdown(session: Session) -> String {
        var out = "| builtin | does | example |\n|---|---|---|\n"
        for name in session.builtinNames {
            let b = session.builtin(name)!
            // An example of several statements keeps one a line (`;` would silence, not separate).
            let example = b.example.split(separator: "\n").map { "`\($0)`" }.joined(separator: "<br>")
            out += "| `\(b.signature)` | \(b.summary) | \(example) |\n"
        }
        out += "\n| member | does |\n|---|---|\n"
        for type in session.registry.members.keys.sorted() {
            for m in session.registry.members[type]!.values.sorted(by: { $0.name < $1.name }) {
                let params = m.parameters.map { "(" + $0.map(\.name).joined(separator: ", ") + ")" } ?? ""
                out += "| \(type)`.\(m.name)\(params)` | \(m.summary) |\n"
            }
        }
        return out
    }

    public static func text(for name: String, session: Session) -> String {
        if name.isEmpty {
            let names = session.builtinNames
            let width = names.map(\.count).max() ?? 0
            return names.map { n in n.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + session.builtin(n)!.summary }
                .joined(separator: "\n")
        }
        if let dot = name.lastIndex(of: ".") {
            return memberText(String(name[..<dot]), String(name[name.index(after: dot)...]), session: session)
        }
        guard let b = session.builtin(name) else {
            if let v = session.variables[name] {
                let members = session.members(of: v).map(\.name)
                return "\(name): \(v.typeName)  \(v.summary)" + (members.isEmpty ? "" : "\nmembers: " + members.joined(separator: ", "))
            }
            let hint = Diagnostic.closest(to: name, among: session.builtinNames).map { " (did you mean \($0)?)" } ?? ""
            return "no builtin '\(name)'\(hint)"
        }
        var lines = [b.signature, b.summary]
        if !b.doc.isEmpty { lines.append(b.doc) }
        if !b.parameters.isEmpty {
            lines.append("parameters:")
            for p in b.parameters {
                lines.append("  \(p.name): \(p.type)" + (p.defaultValue.map { " = \($0)" } ?? " (required)"))
            }
        }
        lines.append(b.example.contains("\n") ? "example:\n" + b.example.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n")
                                              : "example: \(b.example)")
        return lines.joined(separator: "\n")
    }

    /// `?x.member`: a member of the value bound to x (or of a type, `?dataset.split`).
    static func memberText(_ owner: String, _ member: String, session: Session) -> String {
        let members: [String: Member]
        let typeName: String
        if let v = session.variables[owner] {
            typeName = v.typeName
            members = Dictionary(session.members(of: v).map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        } else if let m = session.registry.members[owner] {
            typeName = owner
            members = m
        } else {
            return "'\(owner)' is neither a variable nor a type"
        }
        guard let m = members[member] else {
            let hint = Diagnostic.closest(to: member, among: Array(members.keys)).map { " (did you mean .\($0)?)" } ?? ""
            return "\(Arguments.article(typeName)) has no member '\(member)'\(hint)" + (members.isEmpty ? "" : "\nmembers: " + members.keys.sorted().joined(separator: ", "))
        }
        var lines = ["\(typeName).\(m.name)" + (m.parameters.map { "(" + $0.map(\.name).joined(separator: ", ") + ")" } ?? ""), m.summary]
        for p in m.parameters ?? [] {
            lines.append("  \(p.name): \(p.type)" + (p.defaultValue.map { " = \($0)" } ?? " (required)"))
        }
        return lines.joined(separator: "\n")
    }
}
