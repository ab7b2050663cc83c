import Foundation

/// A MovieLens dataset in one of its original formats (detected from the files), with
/// optional plot texts joined to its movies. Users and movies get dense indices; the movie
/// index covers the whole catalogue, rated or not (a movie nobody rated is a cold item).
public final class MovieLens: Sendable {
    public enum Format: String, Sendable {
        case ml100k = "ML-100K (u.data, u.item)"
        case dat = "ML-1M/10M (ratings.dat, movies.dat)"
        case csv = "ml-latest/20M/25M (ratings.csv, movies.csv)"
    }

    public let directory: String
    public let format: Format
    public let users: IdMap
    public let items: IdMap
    public let titles: [String]
    public let genres: [[String]]
    /// Each movie's release date where the catalogue gives one (ML-100K's u.item; the other
    /// formats give none, so this is empty), and the first malformed one found, as
    /// `file:line: what was expected` (loading goes on: only `ItemMetadata.releaseQuarters` needs them).
    public let releaseDates: [ReleaseDate?]
    public let releaseDateProblem: String?
    /// Every rating in the files.
    public let ratings: Events
    /// Ratings at or above `positiveThreshold`: the implicit feedback the models learn from.
    public let events: Events
    public let positiveThreshold: Float
    /// Ratings dropped because their user had rated the movie before (the latest one is kept).
    public let mergedDuplicates: Int
    /// Plot text per item index (nil where the plot file has none).
    public let plots: [String?]
    public let plotsFile: String?

    init(directory: String, format: Format, users: IdMap, items: IdMap, titles: [String], genres: [[String]],
         releaseDates: [ReleaseDate?] = [], releaseDateProblem: String? = nil,
         ratings: Events, positive: Float, positives: Events? = nil, plots: [String?], plotsFile: String?, mergedDuplicates: Int = 0) {
        self.directory = directory
        self.format = format
        self.users = users
        self.items = items
        self.titles = titles
        self.genres = genres
        self.releaseDates = releaseDates
        self.releaseDateProblem = releaseDateProblem
        self.ratings = ratings
        positiveThreshold = positive
        self.mergedDuplicates = mergedDuplicates
        events = positives ?? ratings.filter { ratings.ratings[$0] >= positive }
        self.plots = plots
        self.plotsFile = plotsFile
    }

    /// Loads the dataset in `directory` and, when given, the plots in `plots` (a `.tsv` with a
    /// `movieId<TAB>plot` header, or a `.dat` of `movieId::plot` lines). A user's repeated
    /// ratings of a movie are merged (the latest kept) and counted. The monitor sees the
    /// progress and can stop the reading (Ctrl-C). The ratings file is parsed on `threads`
    /// threads (default: as many as BLAS uses, the session's `threads` setting); the result
    /// is the same for any number.
    public static func load(directory: String, plots: String? = nil, positive: Float = 4, threads: Int? = nil,
                            monitor: (any ProgressMonitor)? = nil) throws -> MovieLens {
        try load(directory: directory, plots: plots, positive: positive,
                 options: RatingsReader.Options(threads: threads ?? BLAS.threads), monitor: monitor)
    }

    static func load(directory: String, plots: String? = nil, positive: Float = 4, options: RatingsReader.Options,
                     monitor: (any ProgressMonitor)? = nil) throws -> MovieLens {
        let format = try detect(directory)
        var loader = MovieLensLoader(directory: directory, positive: positive, options: options, monitor: monitor)
        switch format {
        case .ml100k: try loader.load100K()
        case .dat: try loader.loadDat()
        case .csv: try loader.loadCSV()
        }
        var plotTexts = [String?](repeating: nil, count: loader.items.count)
        if let plots {
            for (item, text) in try PlotFile.read(plots, items: loader.items, monitor: monitor) { plotTexts[Int(item)] = text }
        }
        let (ratings, merged) = DuplicateRatings.merge(loader.ratings, users: loader.users.count, items: loader.items.count)
        return MovieLens(directory: directory, format: format, users: loader.users, items: loader.items,
                         titles: loader.titles, genres: loader.genres,
                         releaseDates: loader.releaseDates, releaseDateProblem: loader.releaseDateProblem, ratings: ratings,
                         positive: positive, positives: merged == 0 ? loader.positives : nil,
                         plots: plotTexts, plotsFile: plots, mergedDuplicates: merged)
    }

    static func detect(_ directory: String) throws -> Format {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw DataError(file: directory, "no such directory")
        }
        func has(_ name: String) -> Bool { fm.fileExists(atPath: (directory as NSString).appendingPathComponent(name)) }
        if has("u.data") && has("u.item") { return .ml100k }
        if has("ratings.dat") && has("movies.dat") { return .dat }
        if has("ratings.csv") && has("movies.csv") { return .csv }
        throw DataError(file: directory, "not a MovieLens directory: expected u.data + u.item (ML-100K), "
                        + "ratings.dat + movies.dat (ML-1M/10M) or ratings.csv + movies.csv (ml-latest, 20M, 25M)")
    }

    public var itemsWithPlots: Int { plots.reduce(0) { $0 + ($1 == nil ? 0 : 1) } }

    /// The dense index of a movie by its title (exact, then case-insensitive, then a prefix
    /// such as "Toy Story" for "Toy Story (1995)").
    public func item(titled title: String) -> Int32? {
        if let i = titles.firstIndex(of: title) { return Int32(i) }
        let lower = title.lowercased()
        if let i = titles.firstIndex(where: { $0.lowercased() == lower }) { return Int32(i) }
        if let i = titles.firstIndex(where: { $0.lowercased().hasPrefix(lower) }) { return Int32(i) }
        return nil
    }
}

extension MovieLens: CustomStringConvertible {
    public var description: String {
        "MovieLens(\((directory as NSString).lastPathComponent): \(users.count) users, \(items.count) items, "
            + "\(events.count) events (rating ≥ \(formatRate(positiveThreshold))) of \(ratings.count) ratings, "
            + (mergedDuplicates > 0 ? "\(mergedDuplicates) duplicate rating\(mergedDuplicates == 1 ? "" : "s") merged, " : "")
            + "\(itemsWithPlots) plots)"
    }
}
