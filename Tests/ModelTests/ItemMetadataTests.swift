import XCTest
@testable import Model

/// Genre flags and release years as content: read from ML-100K's own catalogue, checked against
/// a direct computation, and worth more than the plots alone for ranking users for cold items.
final class ItemMetadataTests: XCTestCase {
    func testTheYearIsTheTitlesLastFourDigitsInParentheses() {
        XCTAssertEqual(ItemMetadata.year(inTitle: "Toy Story (1995)"), 1995)
        XCTAssertEqual(ItemMetadata.year(inTitle: "Land Before Time III: The Time of the Great Giving (1995) (V)"), 1995)
        XCTAssertEqual(ItemMetadata.year(inTitle: "(500) Days of Summer (2009) "), 2009)
        XCTAssertNil(ItemMetadata.year(inTitle: "unknown"))
        XCTAssertNil(ItemMetadata.year(inTitle: "Blade Runner (12345)"))
        XCTAssertNil(ItemMetadata.year(inTitle: ""))
    }

    func testGenreFlagsAndYearsOfML100KAgreeWithADirectReading() throws {
        let ml = try MovieLens.load(directory: dataPath("ml-100k"))
        let (names, flags) = ItemMetadata.genreFlags(ml)
        XCTAssertEqual(names, names.sorted())
        XCTAssertEqual(flags.shape, Shape(1682, names.count))
        let toyStory = Int(ml.items.lookup(1)!)
        let flagged = names.indices.filter { flags[flat: toyStory * names.count + $0] == 1 }.map { names[$0] }
        XCTAssertEqual(flagged, ["Animation", "Children's", "Comedy"])
        XCTAssertEqual(Double((0..<flags.count).map { flags[flat: $0] }.reduce(0, +)),
                       Double(ml.genres.map(\.count).reduce(0, +)))

        let (decades, years) = ItemMetadata.releaseYears(ml)
        XCTAssertEqual(decades, [1920, 1930, 1940, 1950, 1960, 1970, 1980, 1990])
        let width = 1 + decades.count
        XCTAssertEqual(years.shape, Shape(1682, width))
        // The standardised year, computed directly over the items with a year in their title.
        let known = ml.titles.compactMap { ItemMetadata.year(inTitle: $0) }.map(Double.init)
        XCTAssertEqual(known.count, 1681)       // "unknown" has none
        let mean = known.reduce(0, +) / Double(known.count)
        let sd = (known.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(known.count)).squareRoot()
        XCTAssertEqual(Double(years[flat: toyStory * width]), (1995 - mean) / sd, accuracy: 1e-5)
        XCTAssertEqual(years[flat: toyStory * width + 1 + 7], 1)      // the 1990s
        for item in 0..<1682 {
            let decadeFlags = (1..<width).map { years[flat: item * width + $0] }.reduce(0, +)
            XCTAssertEqual(decadeFlags, ItemMetadata.year(inTitle: ml.titles[item]) == nil ? 0 : 1, "item \(item)")
        }
    }

    func testReleaseDatesParseDayMonthYear() {
        func date(_ s: String) -> ReleaseDate? { ReleaseDate(ArraySlice(Array(s.utf8))) }
        XCTAssertEqual(date("01-Jan-1995"), ReleaseDate(year: 1995, month: 1, day: 1))
        XCTAssertEqual(date("4-Feb-1971"), ReleaseDate(year: 1971, month: 2, day: 4))
        XCTAssertEqual(date("31-dec-1997")?.quarter, 1997 * 4 + 3)
        XCTAssertTrue(date("01-Jan-1995")!.yearOnly)
        XCTAssertFalse(date("01-Feb-1995")!.yearOnly)
        for bad in ["", "1995", "01-Jan-95", "001-Jan-1995", "01-Jun-19x5", "01-Sept-1995", "32-Jan-1995", "00-Jan-1995", "01-Foo-1995", "01-Jan-1995-"] {
            XCTAssertNil(date(bad), bad)
        }
    }

    /// The quarters' flags and the years since the first kept quarter, against a direct reading
    /// of u.item's third field.
    func testReleaseQuartersOfML100KAgreeWithADirectReading() throws {
        let ml = try MovieLens.load(directory: dataPath("ml-100k"))
        let (quarters, features) = try ItemMetadata.releaseQuarters(ml)
        XCTAssertEqual(quarters, ["1996Q1", "1996Q2", "1996Q3", "1996Q4", "1997Q1", "1997Q2", "1997Q3", "1997Q4", "1998Q1"])
        let width = quarters.count + 1
        XCTAssertEqual(features.shape, Shape(1682, width))
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let text = try String(contentsOfFile: dataPath("ml-100k") + "/u.item", encoding: .isoLatin1)
        var counted = 0
        for line in text.split(separator: "\n") {
            let f = line.split(separator: "|", omittingEmptySubsequences: false)
            let item = Int(ml.items.lookup(Int(f[0])!)!)
            let row = (0..<width).map { features[flat: item * width + $0] }
            let parts = f[2].split(separator: "-")
            guard parts.count == 3, let m = months.firstIndex(of: String(parts[1])), !(parts[0] == "01" && m == 0) else {
                XCTAssertEqual(row, [Float](repeating: 0, count: width), "item \(f[0]) \(f[2])")
                continue
            }
            let year = Int(parts[2])!, label = "\(year)Q\(m / 3 + 1)"
            XCTAssertEqual(row.prefix(quarters.count).reduce(0, +), quarters.contains(label) ? 1 : 0, "item \(f[0])")
            if let q = quarters.firstIndex(of: label) { XCTAssertEqual(row[q], 1); counted += 1 }
            let sinceFirst = (year - 1996) * 12 + m
            XCTAssertEqual(row[quarters.count], sinceFirst >= 0 ? Float(sinceFirst) / 12 : 0, accuracy: 1e-6, "item \(f[0])")
        }
        XCTAssertEqual(counted, 568)
    }

    /// On the hybrid tests' ML-100K split: the content ridge from plots beside genres and years
    /// ranks users for cold validation items better than from the plots alone.
    func testGenresAndYearsLiftTheContentRidgeOnColdValidationItems() throws {
        let s = try HybridTests.setup.get()
        let (users, items, train) = (s.ml.users.count, s.ml.items.count, s.split.train)
        let meta = try Tensor.concat([s.content, ItemMetadata.genreFlags(s.ml).flags, ItemMetadata.releaseYears(s.ml).features])
        func cold(_ content: Tensor) throws -> Double {
            let ridge = try ContentRidgeScorer(content: content, train: train, users: users, lambda: 100)
            return try Evaluator.evaluate(ridge, test: s.split.validCold, train: train, items: items).cold.ndcg
        }
        let (plots, both) = (try cold(s.content), try cold(meta))
        print(String(format: "valid cold ndcg@20, content ridge: plots %.4f, plots + genres + years %.4f", plots, both))
        XCTAssertGreaterThan(both, plots * 1.05)
        // When the catalogue says a movie came out says more again.
        let dated = try cold(try Tensor.concat([meta, ItemMetadata.releaseQuarters(s.ml).features]))
        print(String(format: "… with release quarters %.4f", dated))
        XCTAssertGreaterThan(dated, both)
    }
}
