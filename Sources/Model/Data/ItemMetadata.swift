/// Content rows from a MovieLens catalogue's own metadata, for items without plots or beside
/// them: genre flags and the release year (from the title's "(1995)"). On ML-100K both say more
/// about who likes a cold movie than its short plot: people active in 1997–98 rated that
/// season's releases.
public enum ItemMetadata {
    /// [items, genres]: 1 where the item has the genre; the columns are the genre names sorted.
    public static func genreFlags(_ ml: MovieLens) -> (names: [String], flags: Tensor) {
        let names = Array(Set(ml.genres.joined())).sorted()
        let column = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
        let flags = Tensor(zeros: Shape(ml.genres.count, names.count))
        for (item, genres) in ml.genres.enumerated() {
            for g in genres { flags.pointer[item * names.count + column[g]!] = 1 }
        }
        return (names, flags)
    }

    /// [items, 1 + decades]: the release year standardised over the items that have one (mean 0,
    /// standard deviation 1), then one flag per decade from the earliest to the latest. An item
    /// without a year in its title gets 0 everywhere (the mean year, no decade).
    public static func releaseYears(_ ml: MovieLens) -> (decades: [Int], features: Tensor) {
        let years = ml.titles.map(year(inTitle:))
        let known = years.compactMap { $0 }
        guard let first = known.min(), let last = known.max() else {
            return ([], Tensor(zeros: Shape(years.count, 1)))
        }
        let mean = Double(known.reduce(0, +)) / Double(known.count)
        let variance = known.map { (Double($0) - mean) * (Double($0) - mean) }.reduce(0, +) / Double(known.count)
        let spread = variance > 0 ? variance.squareRoot() : 1
        let decades = Array(stride(from: first / 10 * 10, through: last / 10 * 10, by: 10))
        let width = 1 + decades.count
        let features = Tensor(zeros: Shape(years.count, width))
        for (item, y) in years.enumerated() {
            guard let y else { continue }
            features.pointer[item * width] = Float((Double(y) - mean) / spread)
            features.pointer[item * width + 1 + (y / 10 * 10 - decades[0]) / 10] = 1
        }
        return (decades, features)
    }

    /// The year in a MovieLens title's last "(YYYY)", e.g. 1995 in "Toy Story (1995)" and in
    /// "Land Before Time III (1995) (V)".
    static func year(inTitle title: String) -> Int? {
        let t = Array(title.utf8)
        var start = t.count - 6
        while start >= 0 {
            if t[start] == UInt8(ascii: "("), t[start + 5] == UInt8(ascii: ")"),
               t[(start + 1)...(start + 4)].allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
                let y = t[(start + 1)...(start + 4)].reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
                if y >= 1800 && y <= 2100 { return y }
            }
            start -= 1
        }
        return nil
    }
}
