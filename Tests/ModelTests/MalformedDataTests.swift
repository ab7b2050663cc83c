import XCTest
import Foundation
@testable import Model

/// Broken input files give a DataError naming file:line and what was expected; nothing traps.
final class MalformedDataTests: XCTestCase {
    var dir: String = ""

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "rec-data-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }

    func write(_ name: String, _ text: String) { write(name, Array(text.utf8)) }
    func write(_ name: String, _ bytes: [UInt8]) {
        _ = FileManager.default.createFile(atPath: dir + "/" + name, contents: Data(bytes))
    }

    let movies = "1::Toy Story (1995)::Animation|Children's|Comedy\n2::Jumanji (1995)::Adventure|Children's|Fantasy\n3::Heat (1995)::Action|Crime|Thriller\n"
    let ratings = "1::1::5::978300760\n1::2::3::978302109\n2::1::4::978301968\n2::3::5::978300275\n3::3::4::978824291\n"

    func writeDat() {
        write("movies.dat", movies)
        write("ratings.dat", ratings)
        write("plots.dat", "1::A cowboy doll is jealous of a spaceman.\n3::A thief and a detective::cat and mouse.\n")
    }

    func expectError(_ fileSuffix: String, line: Int?, containing: String, plots: String? = nil,
                     file: StaticString = #filePath, lineNumber: UInt = #line) {
        XCTAssertThrowsError(try MovieLens.load(directory: dir, plots: plots.map { dir + "/" + $0 }), file: file, line: lineNumber) { error in
            guard let e = error as? DataError else { return XCTFail("not a DataError: \(error)", file: file, line: lineNumber) }
            XCTAssertTrue(e.file.hasSuffix(fileSuffix), "\(e)", file: file, line: lineNumber)
            XCTAssertEqual(e.line, line, "\(e)", file: file, line: lineNumber)
            XCTAssertTrue(e.message.contains(containing), "\(e)", file: file, line: lineNumber)
        }
    }

    func testLoadsTheDatFormatWithDatPlots() throws {
        writeDat()
        let ml = try MovieLens.load(directory: dir, plots: dir + "/plots.dat")
        XCTAssertEqual(ml.format, .dat)
        XCTAssertEqual(ml.users.count, 3)
        XCTAssertEqual(ml.items.count, 3)
        XCTAssertEqual(ml.events.count, 4)
        XCTAssertEqual(ml.plots[2], "A thief and a detective::cat and mouse.")
        XCTAssertNil(ml.plots[1])
    }

    func testShortLine() {
        writeDat()
        write("ratings.dat", "1::1::5::978300760\n1::2::3\n")
        expectError("ratings.dat", line: 2, containing: "UserID::MovieID::Rating::Timestamp")
    }

    func testNotANumber() {
        writeDat()
        write("ratings.dat", "1::1::5::978300760\n1::two::3::978302109\n")
        expectError("ratings.dat", line: 2, containing: "movie id")
        write("ratings.dat", "1::1::five::978300760\n")
        expectError("ratings.dat", line: 1, containing: "rating")
    }

    /// Ratings off the star scale are refused with their line: a negative or huge value, and
    /// the columns swapped so that the timestamp stands where the rating should (every event
    /// would have been a positive one).
    func testRatingsOffTheStarScale() {
        writeDat()
        write("ratings.dat", "1::1::5::978300760\n1::2::-7::978302109\n")
        expectError("ratings.dat", line: 2, containing: "a rating is 0 to 5 stars, found -7")
        write("ratings.dat", "1::1::5::978300760\n2::1::4::978301968\n1::2::1e30::978302109\n")
        expectError("ratings.dat", line: 3, containing: "found 1e30")
        write("ratings.dat", "1::1::978300760::5\n")
        expectError("ratings.dat", line: 1, containing: "found 978300760 (a timestamp? the columns are user, movie, rating, timestamp)")
        write("ratings.dat", "1::1::5.5::978300760\n")  // the fast path's reading
        expectError("ratings.dat", line: 1, containing: "found 5.5")
    }

    /// A line of spaces or tabs alone (an editor's leftover indent) is blank, as an empty one is.
    func testLinesOfSpacesAloneAreBlank() throws {
        writeDat()
        write("ratings.dat", ratings + "   \n\t\n")
        write("movies.dat", movies + "  \n")
        XCTAssertEqual(try MovieLens.load(directory: dir).events.count, 4)
    }

    func testUnknownIds() {
        writeDat()
        write("ratings.dat", "1::1::5::978300760\n1::9::3::978302109\n")
        expectError("ratings.dat", line: 2, containing: "movie id 9")
        writeDat()
        write("plots.dat", "1::fine\n7::A plot for a movie that does not exist.\n")
        expectError("plots.dat", line: 2, containing: "movie id 7", plots: "plots.dat")
        write("plots.tsv", "movieId\tplot\n1\tone\n1\tagain\n")
        expectError("plots.tsv", line: 3, containing: "second plot", plots: "plots.tsv")
        write("plots.tsv", "movieId\tplot\nno tab here\n")
        expectError("plots.tsv", line: 2, containing: "movieId<TAB>plot", plots: "plots.tsv")
    }

    func testMissingEmptyAndBadEncoding() {
        writeDat()
        expectError("nowhere.tsv", line: nil, containing: "no such file", plots: "nowhere.tsv")
        write("ratings.dat", "")
        expectError("ratings.dat", line: nil, containing: "empty")
        writeDat()
        write("plots.tsv", Array("movieId\tplot\n1\tok\n3\tbad ".utf8) + [0xFF, 0xFE] + Array("\n".utf8))
        expectError("plots.tsv", line: 3, containing: "UTF-8", plots: "plots.tsv")
        XCTAssertThrowsError(try MovieLens.load(directory: dir + "/nope")) { error in
            XCTAssertTrue("\(error)".contains("no such directory"), "\(error)")
        }
        try? FileManager.default.removeItem(atPath: dir + "/movies.dat")
        XCTAssertThrowsError(try MovieLens.load(directory: dir)) { error in
            XCTAssertTrue("\(error)".contains("not a MovieLens directory"), "\(error)")
        }
    }

    func testDuplicateMovieAndBadHundredKLine() {
        write("u.item", "1|Toy Story (1995)|01-Jan-1995||url|0|0|0|1|1|1|0|0|0|0|0|0|0|0|0|0|0|0|0\n1|Again|||u|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0\n")
        write("u.data", "1\t1\t5\t881250949\n")
        expectError("u.item", line: 2, containing: "appears twice")
        write("u.item", "1|Toy Story (1995)|01-Jan-1995\n")
        expectError("u.item", line: 1, containing: "separated by '|'")
    }

    /// A malformed release date does not stop loading (nothing else reads it); asking for the
    /// release-date features then names its file and line. The .dat format has no dates.
    func testABadReleaseDateIsReportedWhenTheFeaturesAreAskedFor() throws {
        let flags = "|0|0|0|1|1|1|0|0|0|0|0|0|0|0|0|0|0|0|0"
        write("u.item", "1|Toy Story (1995)|01-Jan-1995||url\(flags)\n2|Two (1997)|4-Feb-1997||u\(flags)\n3|Three|31-Sept-1997||u\(flags)\n")
        write("u.data", "1\t1\t5\t881250949\n")
        let ml = try MovieLens.load(directory: dir)
        XCTAssertEqual(ml.releaseDates.prefix(2).map { $0 }, [ReleaseDate(year: 1995, month: 1, day: 1), ReleaseDate(year: 1997, month: 2, day: 4)])
        XCTAssertNil(ml.releaseDates[2])
        XCTAssertThrowsError(try ItemMetadata.releaseQuarters(ml)) {
            XCTAssertTrue("\($0)".contains("u.item:3: expected a release date like 01-Jan-1995 or nothing, found \"31-Sept-1997\""), "\($0)")
        }
        try FileManager.default.removeItem(atPath: dir + "/u.item")
        try FileManager.default.removeItem(atPath: dir + "/u.data")
        writeDat()
        XCTAssertThrowsError(try ItemMetadata.releaseQuarters(try MovieLens.load(directory: dir))) {
            XCTAssertTrue("\($0)".contains("gives no release dates"), "\($0)")
        }
    }

    /// Random byte mutations of valid files: every load ends in a dataset or a DataError.
    func testFuzzedFilesNeverTrap() throws {
        let rng = RandomSource(seed: 11)
        let originals = [("movies.dat", Array(movies.utf8)), ("ratings.dat", Array(ratings.utf8)),
                         ("plots.dat", Array("1::A cowboy doll.\n3::A thief.\n".utf8))]
        let alphabet = Array(":|\t\n,\"0123456789-. abc".utf8) + [0xFF, 0xC3, 0x00, 0x0D]
        var loaded = 0, failed = 0
        for _ in 0..<400 {
            writeDat()
            let (name, bytes) = originals[rng.below(originals.count)]
            var b = bytes
            for _ in 0..<(1 + rng.below(4)) {
                let at = rng.below(b.count + 1)
                switch rng.below(3) {
                case 0 where at < b.count: b.remove(at: at)
                case 1: b.insert(alphabet[rng.below(alphabet.count)], at: at)
                default: if at < b.count { b[at] = alphabet[rng.below(alphabet.count)] }
                }
            }
            write(name, b)
            do {
                _ = try MovieLens.load(directory: dir, plots: dir + "/plots.dat")
                loaded += 1
            } catch is DataError {
                failed += 1
            }
        }
        XCTAssertGreaterThan(failed, 50)
        XCTAssertGreaterThan(loaded, 10)
    }
}
