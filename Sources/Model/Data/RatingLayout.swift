/// The three layouts of a MovieLens ratings file: user, movie, rating, timestamp separated by
/// a tab (u.data), by `::` (ratings.dat) or by a comma under a header (ratings.csv).
enum RatingLayout: Sendable {
    case tab, colons, comma

    var separator: UInt8 {
        switch self {
        case .tab: UInt8(ascii: "\t")
        case .colons: UInt8(ascii: ":")
        case .comma: UInt8(ascii: ",")
        }
    }

    /// `::` is two bytes; the others one.
    var doubled: Bool { self == .colons }

    func wrongFieldCount(_ found: Int) -> String {
        switch self {
        case .tab: "expected 4 tab-separated fields (user, movie, rating, timestamp), found \(found)"
        case .colons: "expected UserID::MovieID::Rating::Timestamp, found \(found) fields"
        case .comma: "expected userId,movieId,rating,timestamp, found \(found) fields"
        }
    }

    /// What one line holds.
    enum Line: Equatable {
        case header
        case rating(user: Int, item: Int, rating: Float, time: Int)
        case failure(String)
    }

    /// The careful reading of one line (without its line end; `first`: the file's first line),
    /// field by field with `Fields`: quotes, spaces, signs, 19-digit ids, any number `Float`
    /// reads. The loader's fast loop takes the plain lines and leaves every other to this, so
    /// the two agree by construction on everything but speed.
    func read(_ line: ArraySlice<UInt8>, first: Bool) -> Line {
        if line.contains(0) { return .failure(TextFile.nulMessage) }
        let f = doubled ? Fields.split(line, by: separator, separator) : Fields.split(line, by: separator)
        if self == .comma && first && Fields.int(f[0]) == nil && Fields.text(Fields.unquoted(f[0])) == "userId" { return .header }
        guard f.count == 4 else { return .failure(wrongFieldCount(f.count)) }
        guard let user = Fields.int(f[0]) else { return .failure("expected a user id (a whole number of up to 19 digits)") }
        guard let item = Fields.int(f[1]) else { return .failure("expected a movie id (a whole number of up to 19 digits)") }
        guard let rating = Fields.float(f[2]) else { return .failure("expected a rating (a number)") }
        guard Self.stars.contains(rating) else { return .failure(Self.offScale(rating, text: Fields.text(Fields.unquoted(f[2])))) }
        guard let time = Fields.int(f[3]) else { return .failure("expected a timestamp (a whole number)") }
        return .rating(user: user, item: item, rating: rating, time: time)
    }

    static func unknownMovie(_ id: Int) -> String { "movie id \(id) is not in the movie file" }

    /// MovieLens ratings are stars: 1–5 (ML-100K, ML-1M) or 0.5–5 in halves (the later sets).
    /// A value off that scale is a broken line or columns in another order (a timestamp read
    /// as the rating would make every event a positive one).
    static let stars: ClosedRange<Float> = 0...5

    /// The message for a rating off the scale, quoting it as the file has it (`text`), or as
    /// the fast loop read it (at most seven digits: exact).
    static func offScale(_ rating: Float, text: String? = nil) -> String {
        let value = text ?? (rating == rating.rounded() ? String(Int(rating)) : "\(rating)")
        return "a rating is 0 to 5 stars, found \(value)" + (rating > 1000 ? " (a timestamp? the columns are user, movie, rating, timestamp)" : "")
    }
}
