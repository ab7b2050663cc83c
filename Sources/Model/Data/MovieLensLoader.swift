import Foundation

/// Parsers for the three MovieLens layouts. Each reports a malformed line as
/// `file:line: what was expected`. Movie files are small and read line by line; ratings files
/// are large and go through `RatingsReader` (parallel, byte-level).
struct MovieLensLoader {
    let directory: String
    var users = IdMap(), items = IdMap()
    var titles: [String] = [], genres: [[String]] = []
    var releaseDates: [ReleaseDate?] = [], releaseDateProblem: String?
    var ratings = Events()
    /// The ratings at or above `positive`, gathered while reading.
    var positives = Events()
    let positive: Float
    let options: RatingsReader.Options
    let monitor: (any ProgressMonitor)?

    init(directory: String, positive: Float = 4, options: RatingsReader.Options = .init(), monitor: (any ProgressMonitor)? = nil) {
        self.directory = directory
        self.positive = positive
        self.options = options
        self.monitor = monitor
    }

    func path(_ name: String) -> String { (directory as NSString).appendingPathComponent(name) }

    /// A file of the dataset, read whole, reporting its progress to the monitor.
    func open(_ name: String, encoding: TextFile.Encoding = .utf8) throws -> TextFile {
        var file = try TextFile(path(name), encoding: encoding)
        file.monitor = monitor
        return file
    }

    static let genres100K = ["unknown", "Action", "Adventure", "Animation", "Children's", "Comedy", "Crime",
                             "Documentary", "Drama", "Fantasy", "Film-Noir", "Horror", "Musical", "Mystery",
                             "Romance", "Sci-Fi", "Thriller", "War", "Western"]

    mutating func addMovie(_ id: Int, title: String, genres g: [String], file: TextFile, line: Int) throws {
        guard !items.contains(id) else { throw file.error(line, "movie id \(id) appears twice") }
        items.intern(id)
        titles.append(title)
        genres.append(g)
    }

    mutating func readRatings(_ name: String, _ layout: RatingLayout) throws {
        let reader = RatingsReader(layout: layout, items: ItemIndex(items), options: options, monitor: monitor)
        let read = try reader.read(path(name), positive: positive)
        (users, ratings, positives) = (read.users, read.ratings, read.positives)
    }

    /// Text that is UTF-8 when valid, else Latin-1 (older MovieLens files are Latin-1).
    static func text(_ field: ArraySlice<UInt8>) -> String {
        String(validating: field, as: UTF8.self) ?? String(field.map { Character(Unicode.Scalar($0)) })
    }

    // MARK: ML-100K

    mutating func load100K() throws {
        let genreNames = (try? TextFile(path("u.genre"), encoding: .latin1)).map(Self.readGenreNames) ?? Self.genres100K
        let movies = try open("u.item", encoding: .latin1)
        try movies.forEachLine { n, line in
            let f = Fields.split(line, by: UInt8(ascii: "|"))
            guard f.count >= 5 + genreNames.count else {
                throw movies.error(n, "expected \(5 + genreNames.count) fields separated by '|' "
                                   + "(id|title|release|video release|url|\(genreNames.count) genre flags), found \(f.count)")
            }
            guard let id = Fields.int(f[0]) else { throw movies.error(n, "expected a movie id (a whole number)") }
            var g: [String] = []
            for (k, name) in genreNames.enumerated() where Fields.int(f[5 + k]) == 1 { g.append(name) }
            try addMovie(id, title: Self.text(f[1]), genres: g, file: movies, line: n)
            let date = ReleaseDate(f[2])
            if date == nil, !f[2].isEmpty, releaseDateProblem == nil {
                releaseDateProblem = movies.error(n, "expected a release date like 01-Jan-1995 or nothing, found \"\(Self.text(f[2]))\"").description
            }
            releaseDates.append(date)
        }
        try readRatings("u.data", .tab)
    }

    static func readGenreNames(_ file: TextFile) -> [String] {
        var names: [(Int, String)] = []
        try? file.forEachLine { _, line in
            let f = Fields.split(line, by: UInt8(ascii: "|"))
            if f.count == 2, let k = Fields.int(f[1]) { names.append((k, text(f[0]))) }
        }
        return names.isEmpty ? genres100K : names.sorted { $0.0 < $1.0 }.map(\.1)
    }

    // MARK: ML-1M / ML-10M

    mutating func loadDat() throws {
        let colon = UInt8(ascii: ":")
        let movies = try open("movies.dat", encoding: .latin1)
        try movies.forEachLine { n, line in
            let f = Fields.split(line, by: colon, colon)
            guard f.count == 3 else {
                throw movies.error(n, "expected MovieID::Title::Genres, found \(f.count) fields")
            }
            guard let id = Fields.int(f[0]) else { throw movies.error(n, "expected a movie id (a whole number)") }
            let g = Self.text(f[2]).split(separator: "|").map(String.init)
            try addMovie(id, title: Self.text(f[1]), genres: g, file: movies, line: n)
        }
        try readRatings("ratings.dat", .colons)
    }

    // MARK: ml-latest, 20M, 25M

    mutating func loadCSV() throws {
        let movies = try open("movies.csv")
        try movies.forEachLine { n, line in
            guard let f = Fields.csv(line) else { throw movies.error(n, "is not valid CSV in UTF-8 (an unclosed quote?)") }
            if n == 1 && f.first == "movieId" { return }
            guard f.count == 3 else { throw movies.error(n, "expected movieId,title,genres, found \(f.count) fields") }
            guard let id = Fields.int(ArraySlice(f[0].utf8)) else { throw movies.error(n, "expected a movie id (a whole number)") }
            let g = f[2] == "(no genres listed)" ? [] : f[2].split(separator: "|").map(String.init)
            try addMovie(id, title: f[1], genres: g, file: movies, line: n)
        }
        try readRatings("ratings.csv", .comma)
    }
}
