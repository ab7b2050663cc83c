import Foundation

/// A plot from some catalogue, before it is joined to a dataset's movies: the catalogue's own
/// movie id, the title as MovieLens writes it ("Name, The (1995)"), an IMDb title number when
/// known (tt0114709 → 114709) and the text.
public struct PlotRecord: Sendable, Equatable {
    public var sourceId: Int?
    public var title: String
    public var imdb: Int?
    public var text: String

    public init(sourceId: Int?, title: String, imdb: Int?, text: String) {
        self.sourceId = sourceId
        self.title = title
        self.imdb = imdb
        self.text = text
    }
}

public enum PlotRecords {
    /// The records of a "movielens-details" JSON file (github.com/manfredmichael/movielens-details):
    /// an array of objects with `movie_id` (the ML-100K item id), `movie_title`, `movie_url`
    /// (an IMDb title URL) and `description` (null where the scraper found none).
    public static func details(_ path: String) throws -> [PlotRecord] {
        let data = Data(try TextFile.readBytes(path))
        let parsed: Any
        do { parsed = try JSONSerialization.jsonObject(with: data) } catch {
            throw DataError(file: path, "is not valid JSON (expected one array of movie records)")
        }
        guard let array = parsed as? [Any] else { throw DataError(file: path, "expected a JSON array of movie records") }
        var records: [PlotRecord] = []
        for (n, element) in array.enumerated() {
            func bad(_ what: String) -> DataError { DataError(file: path, "record \(n + 1): \(what)") }
            guard let object = element as? [String: Any] else { throw bad("expected an object") }
            guard let id = object["movie_id"] as? Int else { throw bad("expected \"movie_id\" (a whole number)") }
            guard let title = object["movie_title"] as? String else { throw bad("expected \"movie_title\" (text)") }
            let description = object["description"]
            if description is NSNull || description == nil { continue }  // the scraper found no plot
            guard let text = description as? String else { throw bad("expected \"description\" (text or null)") }
            let url = object["movie_url"] as? String
            records.append(PlotRecord(sourceId: id, title: title, imdb: url.flatMap(imdbNumber), text: text))
        }
        return records
    }

    /// The plots a loaded dataset already has, as records to carry over to another dataset
    /// (IMDb numbers from its `links.csv` when it has one).
    public static func of(_ dataset: MovieLens) throws -> [PlotRecord] {
        let links = try MovieLinks.read(dataset.directory)
        return dataset.plots.enumerated().compactMap { i, text in
            guard let text else { return nil }
            let id = dataset.items.ids[i]
            return PlotRecord(sourceId: id, title: dataset.titles[i], imdb: links?[id], text: text)
        }
    }

    /// The number in an IMDb title URL or id: ".../title/tt0114709/?ref=…" → 114709.
    public static func imdbNumber(_ s: String) -> Int? {
        var rest = Substring(s)
        while let tt = rest.range(of: "tt") {  // the first "tt" followed by digits ("http" has one)
            let digits = rest[tt.upperBound...].prefix { $0.isASCII && $0.isNumber }
            if !digits.isEmpty { return Int(digits) }
            rest = rest[tt.upperBound...]
        }
        return nil
    }
}

/// `links.csv` of ml-latest, 20M, 25M: movieId → IMDb title number.
public enum MovieLinks {
    /// nil when the dataset has no `links.csv` (ML-100K, ML-1M and ML-10M do not).
    public static func read(_ directory: String) throws -> [Int: Int]? {
        let path = (directory as NSString).appendingPathComponent("links.csv")
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let file = try TextFile(path)
        var links: [Int: Int] = [:]
        try file.forEachLine { n, line in
            let f = Fields.split(line, by: UInt8(ascii: ","))
            if n == 1 && Fields.int(f[0]) == nil { return }  // the header
            guard f.count >= 2, let movie = Fields.int(f[0]) else { throw file.error(n, "expected movieId,imdbId,tmdbId") }
            if let imdb = Fields.int(f[1]) { links[movie] = imdb }
        }
        return links
    }
}
