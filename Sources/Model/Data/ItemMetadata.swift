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

    /// [items, quarters + 1]: when in the calendar a movie came out, where the catalogue says it
    /// to the month (ML-100K's u.item; a 1 January date says only the year and counts as
    /// undated). One flag per calendar quarter in which at least `minItems` dated movies came
    /// out, then the years from the first such quarter's start to the release (0 before it and
    /// for undated movies). On ML-100K, collected September 1997 – April 1998, a recent movie's
    /// quarter says which users were around to rate it.
    public static func releaseQuarters(_ ml: MovieLens, minItems: Int = 10) throws -> (quarters: [String], features: Tensor) {
        guard !ml.releaseDates.isEmpty else {
            throw ModelError("release_dates", "\(ml.format.rawValue) gives no release dates (ML-100K's u.item does); ml.years reads the year from the titles")
        }
        if let problem = ml.releaseDateProblem { throw ModelError("release_dates", problem) }
        let dated = ml.releaseDates.map { $0.flatMap { $0.yearOnly ? nil : $0 } }
        var perQuarter: [Int: Int] = [:]
        for d in dated.compactMap({ $0 }) { perQuarter[d.quarter, default: 0] += 1 }
        let kept = perQuarter.filter { $0.value >= minItems }.keys.sorted()
        guard let first = kept.first else {
            throw ModelError("release_dates", "no calendar quarter has \(minItems) movies with a release date to the month")
        }
        let column = Dictionary(uniqueKeysWithValues: kept.enumerated().map { ($1, $0) })
        let width = kept.count + 1
        try Limits.floats([dated.count, width], for: "release_dates", "the \(dated.count) items × \(width) release-date features")
        let features = Tensor(zeros: Shape(dated.count, width))
        for (item, date) in dated.enumerated() {
            guard let date else { continue }
            if let c = column[date.quarter] { features.pointer[item * width + c] = 1 }
            let months = date.year * 12 + date.month - 1 - first * 3
            if months >= 0 { features.pointer[item * width + kept.count] = Float(months) / 12 }
        }
        return (kept.map { "\($0 / 4)Q\($0 % 4 + 1)" }, features)
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
