import Model

/// Literal values for fuzzed statements: ordinary ones (what a user means) and ones at the
/// edges (zero, negatives, the largest doubles, integers beyond Int and beyond exact doubles,
/// infinities and NaN made by arithmetic, odd strings, odd paths).
enum FuzzValues {
    static let smallWholes = ["0", "1", "1", "2", "2", "3", "4", "5", "8", "10", "16"]
    static let ordinaryNumbers = ["0", "1", "2", "0.5", "0.1", "0.01", "3.5", "-1", "10", "1e-3", "0.9", "4"]
    static let fractions = ["0", "0.1", "0.2", "0.25", "0.5", "0.3", "0.9", "0.05"]

    static let infinity = "(1e308 * 10)"
    static let nan = "(1e308 * 10 - 1e308 * 10)"
    static let edgeNumbers = [
        "0", "-0", "-1", "-2", "0.5", "-0.5", "1.5", "1e308", "-1e308", "1.7976931348623157e308", "1e-308", "5e-324",
        "100000000000", "-100000000000", "1e15", "999999999999999", "1e16", "9007199254740993", "9223372036854775807",
        "18446744073709551616", "2147483648", "4294967297", "65536", "1e9", "1e10", "1e6", "3e7", "1_000_000",
        infinity, "(-1e308 * 10)", nan, "(0 - " + infinity + ")", "1e400", "0x10", "1.", ".5", "1e", "00012", "1__0",
    ]

    static let strings = [
        "", "a", "abc", "fit", "demo", "none", "true", "popularity", "gru", "dbow", "id_only", "elu",
        "Toy Story (1995)", "A lonely robot falls in love in outer space.", "\\\\", "\\\"", "\\t", "\\n", "\\q",
        "é", "日本語の映画", "🎬🍿", "\u{301}\u{301}", "\u{0}", "\u{7}", "\u{1B}[31mred", "\u{200F}rtl", "\u{FEFF}bom",
        "\u{FFFD}", "%s%n%d", "'", "#", "(", ")]", ":", "?", "{\"json\": 1}", "a,b\tc", "\u{7F}", "   ",
    ]

    static let readPaths = [
        "demo", "demo/", "./demo", "demo/u.data", "demo/plots.tsv", "demo/u.item", "demo/u.genre", "demo/README",
        "t.npy", "m.ckpt", "vec.txt", "empty", "junk.bin", "junk.gz", "dir.d", "nosuch", "nosuch/dir/x.npy", "",
        ".", "/", "/dev/null", "/proc/self/status", "/etc/passwd", "/tmp", "~", "~/x", "é/ü.npy", "demo\u{0}x",
        String(repeating: "a", count: 300), String(repeating: "a/", count: 300) + "x", "demo/../demo", "\u{1B}[31m",
    ]

    /// Paths to write: relative (inside the fuzz workspace), a directory, missing directories.
    static let writePaths = [
        "out.npy", "m.ckpt", "t.npy", "plot.svg", "out", "sub/dir/x.npy", "", ".", "demo", "dir.d", "empty",
        "/nonexistent-dir-fuzz/x.npy", "/", String(repeating: "b", count: 300), "é.npy", "demo\u{0}x", "out.npy/",
    ]

    static func pick(_ list: [String], _ rng: RandomSource) -> String { list[rng.below(list.count)] }

    /// An item of `strings` ready to go between double quotes (items with a backslash are
    /// written escaped already).
    static func escaped(_ s: String) -> String {
        s.contains("\\") ? s : s.replacingOccurrences(of: "\"", with: "\\\"")
    }

    static func quoted(_ s: String, _ rng: RandomSource) -> String {
        // Items of `strings` are written escaped already; a plain value needs its quote escaped.
        rng.below(6) == 0 && !s.contains("'") ? "'" + s + "'" : "\"" + s.replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    static func string(_ rng: RandomSource) -> String {
        switch rng.below(80) {
        case 0: return "\"" + String(repeating: "x", count: 1 + rng.below(100_000)) + "\""
        case 1: return "\"" + (0..<rng.below(40)).map { _ in escaped(pick(strings, rng)) }.joined(separator: " ") + "\""
        default:
            let s = pick(strings, rng)
            return s.contains("\\") ? "\"" + s + "\"" : quoted(s, rng)
        }
    }

    /// The edge numbers without the large ones (for runs that leave out the huge-size class).
    static let moderateEdges = edgeNumbers.filter { text in
        guard let v = Double(text.replacingOccurrences(of: "_", with: "")) else { return true }
        return abs(v) <= 1e5
    }

    static func number(_ rng: RandomSource, _ edges: [String], edge: Int = 20) -> String {
        rng.below(100) < edge ? pick(edges, rng) : pick(ordinaryNumbers, rng)
    }

    static func whole(_ rng: RandomSource, _ edges: [String], edge: Int = 15) -> String {
        rng.below(100) < edge ? pick(edges, rng) : pick(smallWholes, rng)
    }

    static func fraction(_ rng: RandomSource, _ edges: [String], edge: Int = 15) -> String {
        rng.below(100) < edge ? pick(edges, rng) : pick(fractions, rng)
    }

    static func path(_ rng: RandomSource, write: Bool) -> String {
        let p = pick(write ? writePaths : readPaths, rng)
        return "\"" + p.replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
