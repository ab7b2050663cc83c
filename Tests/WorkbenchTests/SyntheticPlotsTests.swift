import XCTest
@testable import Workbench

/// The synthetic corpus behind `rec bench pv --synthetic-words`: seeded, of the asked size,
/// documents shaped like the real ones, and words carrying their genres.
final class SyntheticPlotsTests: XCTestCase {
    // Two genres with words of their own, and words every document uses.
    let real: [[String]] = (0..<40).map { i in
        (0..<(5 + i % 7)).map { k in k % 2 == 0 ? "the\(k % 3)" : (i % 2 == 0 ? "space\(k % 5)" : "love\(k % 5)") }
    }
    var genres: [[String]] { (0..<40).map { $0 % 2 == 0 ? ["Sci-Fi"] : ["Romance"] } }

    func testSameSeedSameCorpusOfTheAskedSize() throws {
        let a = try SyntheticPlots(real: real, genres: genres, words: 5000, seed: 7)
        let b = try SyntheticPlots(real: real, genres: genres, words: 5000, seed: 7)
        let c = try SyntheticPlots(real: real, genres: genres, words: 5000, seed: 8)
        XCTAssertEqual(a.documents, b.documents)
        XCTAssertNotEqual(a.documents, c.documents)
        let words = a.documents.reduce(0) { $0 + $1.count }
        XCTAssertGreaterThanOrEqual(words, 5000)
        XCTAssertLessThan(words - a.documents.last!.count, 5000)
        let lengths = Set(real.map(\.count))
        XCTAssertTrue(a.documents.allSatisfy { lengths.contains($0.count) })
        XCTAssertEqual(a.documents.count, a.genres.count)
    }

    func testWordsFollowTheirGenres() throws {
        let s = try SyntheticPlots(real: real, genres: genres, words: 20000, seed: 1)
        // Genre words are only ever in their genre's real plots: the estimated share is well above 0.
        XCTAssertGreaterThan(s.genreShare, 0.2)
        XCTAssertLessThan(s.genreShare, 1)
        var inGenre = 0, outside = 0
        for (doc, g) in zip(s.documents, s.genres) {
            let own = g == ["Sci-Fi"] ? "space" : "love", other = own == "space" ? "love" : "space"
            inGenre += doc.filter { $0.hasPrefix(own) }.count
            outside += doc.filter { $0.hasPrefix(other) }.count
        }
        XCTAssertGreaterThan(inGenre, 2 * outside)
    }

    func testNoWordsIsAnError() {
        XCTAssertThrowsError(try SyntheticPlots(real: [[]], genres: [["Drama"]], words: 10, seed: 1))
    }
}
