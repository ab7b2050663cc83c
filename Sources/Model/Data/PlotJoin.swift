/// Joins plot records from another catalogue to a dataset's movies, and drops the records a
/// scraper most likely got wrong. A record joins, in this order of trust:
///  1. by id, when its source id is a movie of the dataset with the same title;
///  2. by IMDb number, when the dataset has `links.csv` and the years agree within one;
///  3. by the exact title, when exactly one movie on each side has it;
///  4. by a loose title key (lower case, leading article restored, alternative titles in
///     parentheses and punctuation dropped, year kept), again only when unique on both sides.
/// Records dropped before joining: empty texts, "no plot yet" placeholders and review-show
/// texts, and IMDb numbers that several different titles claim (the scraper resolved them to
/// the same wrong page). With a `verify` dataset that has `links.csv` (ml-latest), a record is
/// also dropped when that file gives its exact title a different IMDb number, or gives its IMDb
/// number to a movie of another year.
public enum PlotJoin {
    public enum Key: String, CaseIterable, Sendable {
        case id = "id and title", imdb = "IMDb id", title = "exact title", looseTitle = "loose title"
    }

    public struct Result: Sendable {
        /// Dense item index of the dataset → cleaned plot text.
        public var plots: [Int32: String] = [:]
        public var joinedBy: [Key: Int] = [:]
        /// Reason → number of records.
        public var dropped: [String: Int] = [:]
        public var records = 0

        mutating func drop(_ reason: String) { dropped[reason, default: 0] += 1 }

        /// Writes the joined plots as the dataset's `movieId<TAB>plot` file.
        public func write(_ path: String, for dataset: MovieLens) throws {
            try PlotFile.write(path, plots: plots, items: dataset.items)
        }
    }

    public static func join(_ records: [PlotRecord], to dataset: MovieLens, verify: MovieLens? = nil) throws -> Result {
        var result = Result()
        result.records = records.count
        var kept = cleaned(records, &result)
        let index = TitleIndex(dataset)
        let targetLinks = try MovieLinks.read(dataset.directory)
        try crossCheck(&kept, dataset: dataset, index: index, targetLinks: targetLinks, verify: verify, &result)
        match(kept, to: dataset, index: index, targetLinks: targetLinks, &result)
        return result
    }

    typealias Kept = [(record: PlotRecord, text: String)]

    /// Cleaning that needs no dataset: empty texts, placeholders, review shows, and IMDb ids
    /// that several titles claim.
    static func cleaned(_ records: [PlotRecord], _ result: inout Result) -> Kept {
        var kept: Kept = []
        for r in records {
            let text = clean(r.text)
            if text.isEmpty { result.drop("empty text"); continue }
            if text.hasPrefix("It looks like we don't have") { result.drop("placeholder text"); continue }
            if text.contains("Siskel") && text.contains("Ebert") { result.drop("a review show, not the movie"); continue }
            kept.append((r, text))
        }
        var titlesByImdb: [Int: Set<String>] = [:]
        for (r, _) in kept { if let imdb = r.imdb { titlesByImdb[imdb, default: []].insert(looseKey(r.title) ?? r.title) } }
        kept.removeAll { r, _ in
            guard let imdb = r.imdb, titlesByImdb[imdb, default: []].count > 1 else { return false }
            result.drop("IMDb id claimed by different titles")
            return true
        }
        return kept
    }

    /// Cross-checks against a catalogue with curated IMDb links (the dataset's own when it
    /// has them: then every IMDb join below has already passed the year check).
    static func crossCheck(_ kept: inout Kept, dataset: MovieLens, index: TitleIndex, targetLinks: [Int: Int]?,
                           verify: MovieLens?, _ result: inout Result) throws {
        let checker: (dataset: MovieLens, links: [Int: Int])? = try {
            if let targetLinks { return (dataset, targetLinks) }
            if let verify, let links = try MovieLinks.read(verify.directory) { return (verify, links) }
            return nil
        }()
        guard let checker else { return }
        let checkerIndex = checker.dataset === dataset ? index : TitleIndex(checker.dataset)
        var movieByImdb: [Int: Int] = [:]
        for (movie, imdb) in checker.links { movieByImdb[imdb] = movie }
        kept.removeAll { r, _ in
            guard let imdb = r.imdb else { return false }
            if let movie = checkerIndex.exact(r.title), let linked = checker.links[checker.dataset.items.ids[Int(movie)]], linked != imdb {
                result.drop("IMDb id differs from links.csv for the same title")
                return true
            }
            if let movie = movieByImdb[imdb], let dense = checker.dataset.items.lookup(movie),
               let a = year(of: checker.dataset.titles[Int(dense)]), let b = year(of: r.title), abs(a - b) > 1 {
                result.drop("IMDb id belongs to a movie of another year")
                return true
            }
            return false
        }
    }

    /// The join itself: by id and same title, IMDb link, exact title, then loose title, each
    /// only when unambiguous. Distinct texts per title: a catalogue that lists one movie twice
    /// (ML-100K does) with the same plot still names it unambiguously.
    static func match(_ kept: Kept, to dataset: MovieLens, index: TitleIndex, targetLinks: [Int: Int]?, _ result: inout Result) {
        var sourceExact: [String: Set<String>] = [:], sourceLoose: [String: Set<String>] = [:]
        for (r, text) in kept {
            sourceExact[r.title.trimmed, default: []].insert(text)
            if let k = looseKey(r.title) { sourceLoose[k, default: []].insert(text) }
        }
        var itemByImdb: [Int: Int32] = [:]
        for (movie, imdb) in targetLinks ?? [:] { if let dense = dataset.items.lookup(movie) { itemByImdb[imdb] = dense } }
        for (r, text) in kept {
            var match: (Int32, Key)?
            if let id = r.sourceId, let item = dataset.items.lookup(id), looseKey(dataset.titles[Int(item)]) == looseKey(r.title) {
                match = (item, .id)
            } else if let imdb = r.imdb, let item = itemByImdb[imdb] {
                match = (item, .imdb)
            } else if sourceExact[r.title.trimmed]?.count == 1, let item = index.exact(r.title) {
                match = (item, .title)
            } else if let k = looseKey(r.title), sourceLoose[k]?.count == 1, let item = index.loose(k) {
                match = (item, .looseTitle)
            }
            guard let (item, key) = match else { result.drop("no movie of the dataset matches"); continue }
            if let earlier = result.plots[item] {
                result.drop(earlier == text ? "the same plot twice" : "a second plot for the same movie"); continue
            }
            result.plots[item] = text
            result.joinedBy[key, default: 0] += 1
        }
    }

    /// One line, single spaces: tabs and newlines would break the `movieId<TAB>plot` format.
    static func clean(_ text: String) -> String {
        text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    /// The year in a MovieLens title's last "(1995)".
    static func year(of title: String) -> Int? {
        let t = title.trimmed
        guard t.hasSuffix(")"), let open = t.lastIndex(of: "(") else { return nil }
        let inner = t[t.index(after: open)..<t.index(before: t.endIndex)]
        return inner.count == 4 ? Int(inner) : nil
    }

    static let articles: Set<String> = ["the", "a", "an", "il", "la", "le", "les", "l'", "el", "los", "las", "das", "der", "die"]

    /// "Postman, The (Postino, Il) (1994)" → "the postman|1994": what different MovieLens
    /// releases and scrapers agree on, when their exact titles do not.
    static func looseKey(_ title: String) -> String? {
        guard let year = year(of: title) else { return nil }
        var name = String(title.trimmed.prefix { $0 != "(" }).lowercased().trimmed
        if let comma = name.range(of: ", ", options: .backwards), articles.contains(String(name[comma.upperBound...])) {
            name = name[comma.upperBound...] + " " + name[..<comma.lowerBound]
        }
        let words = name.split(whereSeparator: { !($0.isLetter || $0.isNumber) })
        return words.isEmpty ? nil : words.joined(separator: " ") + "|\(year)"
    }

    /// A dataset's movies by exact and loose title; titles that repeat are left out (ambiguous).
    struct TitleIndex {
        private var exactTitles: [String: Int32?] = [:], looseTitles: [String: Int32?] = [:]

        init(_ dataset: MovieLens) {
            for (i, title) in dataset.titles.enumerated() {
                let t = title.trimmed
                Self.add(&exactTitles, t, Int32(i))
                if let k = PlotJoin.looseKey(title) { Self.add(&looseTitles, k, Int32(i)) }
            }
        }

        /// A second movie with the same key makes the key ambiguous (a stored nil).
        private static func add(_ table: inout [String: Int32?], _ key: String, _ item: Int32) {
            if table.keys.contains(key) { table[key] = .some(nil) } else { table[key] = .some(item) }
        }

        func exact(_ title: String) -> Int32? { exactTitles[title.trimmed] ?? nil }
        func loose(_ key: String) -> Int32? { looseTitles[key] ?? nil }
    }
}

extension StringProtocol {
    var trimmed: String { String(drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed()) }
}
