/// A movie's release date as ML-100K's u.item writes it: "01-Jan-1995". The catalogue writes a
/// year it knows without its day as the 1st of January, so that date says only the year
/// (`yearOnly`).
public struct ReleaseDate: Sendable, Equatable {
    public let year: Int, month: Int, day: Int

    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), (1...31).contains(day), (1800...2100).contains(year) else { return nil }
        (self.year, self.month, self.day) = (year, month, day)
    }

    /// "D-Mon-YYYY" or "DD-Mon-YYYY" with an English month abbreviation; nil for anything else.
    init?(_ field: ArraySlice<UInt8>) {
        let parts = field.split(separator: UInt8(ascii: "-"), omittingEmptySubsequences: false)
        guard parts.count == 3, (1...2).contains(parts[0].count), parts[1].count == 3, parts[2].count == 4,
              let day = Fields.int(parts[0]), let year = Fields.int(parts[2]),
              let month = Self.months.firstIndex(of: String(decoding: parts[1], as: UTF8.self).lowercased()) else { return nil }
        self.init(year: year, month: month + 1, day: day)
    }

    public var yearOnly: Bool { month == 1 && day == 1 }

    /// The calendar quarter counted from year 0 (1996's first is 7984).
    public var quarter: Int { year * 4 + (month - 1) / 3 }

    static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
}
