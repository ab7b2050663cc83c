import Foundation

/// One kind of failure: its signature, how often it came, and the shortest reproducer found.
struct Finding {
    let kind: Failure.Kind
    let signature: String
    let count: Int
    let first: Failure
    let reproducer: Reproducer?
    /// The statement that failed, when no shorter reproducer was found.
    let culprit: String
}

/// The run's totals and findings, as text for the terminal and as Markdown for a findings file.
enum FuzzReport {
    static func totalsLine(_ t: FuzzTotals, seconds: Double) -> String {
        String(format: "totals: statements %d  values %d  errors %d  interrupted %d  lost %d  crashes %d  hangs %d  (%d children, %.1f s, %.0f statements/s)",
               t.statements, t.values, t.errors, t.interrupted, t.lost, t.crashes, t.hangs, t.children, seconds,
               Double(t.statements) / Swift.max(seconds, 1e-9))
    }

    static func text(_ findings: [Finding], seed: UInt64) -> String {
        findings.map { f in
            var lines = ["\(f.kind.rawValue.uppercased()) ×\(f.count)  \(f.signature)",
                         "  first seen: batch \(f.first.batch), statement \(f.first.index) (seed \(seed))"]
            if let r = f.reproducer {
                lines.append("  reproduce with `rec --data DIR --seed \(seed)` (DIR holding demo/) fed:")
                lines += r.setup.map { "    " + abbreviate($0) } + r.statements.map { "  > " + abbreviate($0) }
            } else {
                lines.append("  not reproduced alone; the statement running: " + abbreviate(f.culprit))
            }
            if f.kind == .crash, !f.signature.contains("(") {
                // No frame in our sources: the child's last words say more.
                lines += f.first.excerpt.suffix(15).map { "  | " + String($0.prefix(200)) }
            } else if f.kind == .crash, let top = f.first.excerpt.first(where: { $0.contains("Fatal error") || $0.contains("crashed:") }) {
                lines.append("  " + top.trimmingCharacters(in: .whitespaces))
            }
            return lines.joined(separator: "\n")
        }.joined(separator: "\n\n")
    }

    static func markdown(_ findings: [Finding], seed: UInt64) -> String {
        findings.map { f in
            var lines = ["### \(f.kind.rawValue) ×\(f.count): `\(f.signature)`", ""]
            if let r = f.reproducer {
                lines += ["```", "# rec --data DIR --seed \(seed)   (DIR holds demo/)"] + r.setup.map(abbreviate)
                    + r.statements.map(abbreviate) + ["```"]
            } else {
                lines += ["Not reproduced alone; the statement running:", "```", abbreviate(f.culprit), "```"]
            }
            return lines.joined(separator: "\n")
        }.joined(separator: "\n\n")
    }

    /// Long repetitive text made readable: runs of a short unit become «unit ×count», and the
    /// rest is cut at 400 characters.
    static func abbreviate(_ s: String) -> String {
        let chars = Array(s)
        var out = "", i = 0
        while i < chars.count {
            var best: (unit: Int, times: Int)? = nil
            for unit in 1...6 where i + unit <= chars.count {
                var times = 1
                while i + (times + 1) * unit <= chars.count && chars[(i + times * unit)..<(i + (times + 1) * unit)] == chars[i..<(i + unit)] {
                    times += 1
                }
                if times * unit >= 24, times * unit > (best.map { $0.unit * $0.times } ?? 0) { best = (unit, times) }
            }
            if let b = best {
                out += "«" + String(chars[i..<(i + b.unit)]) + " ×\(b.times)»"
                i += b.unit * b.times
            } else {
                out.append(chars[i])
                i += 1
            }
        }
        return out.count > 400 ? String(out.prefix(400)) + "… (\(s.count) characters)" : out
    }
}
