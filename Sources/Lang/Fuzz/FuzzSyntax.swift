import Model

/// Statements at the level of text: deep nesting, token soup, character mutations, and the
/// repair that makes each of them complete (every bracket closed, nothing left dangling), so
/// that any reader ends the statement at its last line and the next line starts afresh.
public enum FuzzSyntax {
    static let comments = ["", "a comment", "(((", "\"", "ünïcödé", "x = 1", "#", "]])"]

    static let depths = [2, 3, 5, 8, 12, 20, 30, 40, 64, 100, 300, 1_000, 3_000, 10_000, 30_000]

    static let punctuation = ["(", ")", "[", "]", ",", ":", "=", "+", "-", "*", "/", "@", ";", ".", " ", "#", "'", "\"",
                              "0", "1", "-1", "1e308", "1e400", "\"s\"", "[1, 2]", "true", "x:", "é", "\\", "_a", "$", "{", "!"]

    static func repeated(_ s: String, _ n: Int) -> String { String(repeating: s, count: n) }

    /// Nesting of one construct `depth` levels deep (the parser, the resolver and evaluation
    /// all recurse on it).
    static func deep(_ rng: RandomSource, names: [String], maxDepth: Int = .max) -> String {
        let d = Swift.min(depths[rng.below(depths.count)], maxDepth)
        let atom = names.isEmpty ? "1" : names[rng.below(names.count)]
        switch rng.below(13) {
        case 0: return repeated("(", d) + atom + repeated(")", d)
        case 1: return repeated("[", d) + "1" + repeated("]", d)
        case 2: return "tensor(" + repeated("[", d) + "1" + repeated("]", d) + ")"
        case 3: return "tensor(" + pairs(Swift.min(d, 12)) + ")"
        case 4: return repeated("sum(", d) + atom + repeated(")", d)
        case 5: return repeated("-", d) + "1"
        case 6: return "t" + repeated(".T", d)
        case 7: return "l" + repeated("[0]", d)
        case 8: return "1" + repeated(" + 1", d)
        case 9: return "mean" + repeated("(1)", d)
        case 10: return "x = " + repeated("(", d) + atom + repeated(")", d)
        case 11: return repeated("exp(", d) + "t" + repeated(")", d)
        default: return mixed(rng, d)
        }
    }

    /// A list of two lists of two lists … (2^depth numbers).
    static func pairs(_ depth: Int) -> String {
        depth == 0 ? "1" : "[" + pairs(depth - 1) + ", " + pairs(depth - 1) + "]"
    }

    static func mixed(_ rng: RandomSource, _ depth: Int) -> String {
        let openers = ["(", "[", "sum(", "tensor(", "-(", "help(", "[1, ", "f(", "exp(-"]
        var text = "", closers: [String] = []
        for _ in 0..<depth {
            let o = openers[rng.below(openers.count)]
            text += o
            closers.append(o.hasSuffix("[") || o.hasSuffix("[1, ") ? "]" : ")")
        }
        return text + "1" + closers.reversed().joined()
    }

    static func soup(_ rng: RandomSource, words: [String]) -> String {
        let pieces = punctuation + words
        return (0..<(1 + rng.below(12))).map { _ in pieces[rng.below(pieces.count)] }.joined()
    }

    /// One to three edits: a character deleted, a piece inserted, a character replaced, a
    /// stretch repeated, or the text cut short.
    static func mutate(_ text: String, _ rng: RandomSource, words: [String]) -> String {
        var chars = Array(text)
        let pieces = punctuation + words
        for _ in 0..<(1 + rng.below(3)) where !chars.isEmpty {
            let at = rng.below(chars.count)
            switch rng.below(5) {
            case 0: chars.remove(at: at)
            case 1: chars.insert(contentsOf: pieces[rng.below(pieces.count)], at: at)
            case 2: chars[at] = pieces[rng.below(pieces.count)].first ?? " "
            case 3:
                let end = Swift.min(chars.count, at + 1 + rng.below(20))
                chars.insert(contentsOf: chars[at..<end], at: end)
            default: chars.removeSubrange(at...)
            }
        }
        return String(chars)
    }

    /// `text` made complete: open brackets closed, a dangling operator given an operand; nil
    /// when it cannot be made so in a few steps. Syntax errors are fine (they are complete).
    static func complete(_ text: String, parse: Bool = true) -> String? {
        var s = text
        for _ in 0..<4 {
            let (open, inComment) = unclosed(s)
            if !open.isEmpty {
                s += (inComment ? "\n" : " ") + String(open.reversed().map { $0 == "(" ? ")" : "]" })
                continue
            }
            guard parse else { return s }
            do {
                _ = try Parser.parse(s, origin: "fuzz")
                return s
            } catch let e as LangError where e.kind == .incomplete {
                s += " 1"
            } catch {
                return s
            }
        }
        return nil
    }

    /// The brackets left open as the lexer counts them (strings and comments skipped), and
    /// whether the text ends inside a comment. An unclosed string ends the statement (an
    /// error), so nothing is open after one.
    static func unclosed(_ s: String) -> (open: [Character], inComment: Bool) {
        var open: [Character] = [], quote: Character? = nil, escaped = false, comment = false
        for c in s {
            if comment { if c == "\n" { comment = false }; continue }
            if let q = quote {
                if c == "\n" { return ([], false) }
                if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == q { quote = nil }
                continue
            }
            switch c {
            case "\"", "'": quote = c
            case "#": comment = true
            case "(", "[": open.append(c)
            case ")", "]": if !open.isEmpty { open.removeLast() }
            default: break
            }
        }
        return (quote == nil ? open : [], comment)
    }

    /// Meta-commands that are safe to throw at a session (none that quits, resets, or reads
    /// more input: `:quit`, `:reset`, `:run`, `:step` are left out).
    static func meta(_ rng: RandomSource) -> String {
        let lines = [":vars", ":history", "?fit", "?nosuch", "?", "? embedding", ":help", ":h", ":time", ":time off",
                     ":save fuzz-session.rec", ":export fuzz-session.html", ":nosuch", ":", ":save", ":export",
                     ":save nosuch-dir/x.rec", ":vars extra words"]
        return lines[rng.below(lines.count)]
    }

    /// The names a statement mentions (words that could be identifiers, strings included;
    /// member names after a dot are not names).
    public static func identifiers(_ text: String) -> [String] {
        var out: [String] = [], word = "", afterDot = false, previous: Character = " "
        for c in text {
            if c.isLetter || c == "_" || (c.isNumber && !word.isEmpty) {
                if word.isEmpty { afterDot = previous == "." }
                word.append(c)
            } else if !word.isEmpty {
                if !afterDot { out.append(word) }
                word = ""
            }
            previous = c
        }
        if !word.isEmpty && !afterDot { out.append(word) }
        return out
    }

    /// The names a statement calls (`name(`), in order.
    public static func callees(_ text: String) -> [String] {
        var out: [String] = [], word = "", last = ""
        for c in text {
            if c.isLetter || c == "_" || (c.isNumber && !word.isEmpty) {
                word.append(c)
                continue
            }
            if !word.isEmpty { last = word; word = "" }
            if c == "(" && !last.isEmpty { out.append(last) }
            if c != " " { last = "" }
        }
        return out
    }
}
