import XCTest
import Foundation
@testable import Model

/// What real exports look like: a byte-order mark, Windows line ends, quoted numbers, 64-bit
/// ids, a rating given twice; and a long load stopped by Ctrl-C.
final class LoaderRobustnessTests: XCTestCase {
    var dir = ""

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "rec-loader-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }

    func write(_ name: String, _ bytes: [UInt8]) {
        _ = FileManager.default.createFile(atPath: dir + "/" + name, contents: Data(bytes))
    }
    func write(_ name: String, _ text: String) { write(name, Array(text.utf8)) }

    static let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
    static let bigUser = 9_223_372_036_854_775_807, bigMovie = 1_234_567_890_123_456_789

    func testBOMCRLFQuotedNumbersAndBigIdsInCSV() throws {
        write("movies.csv", Self.bom + Array("movieId,title,genres\r\n\"\(Self.bigMovie)\",\"Heat, The (1995)\",Action\r\n2,Toy Story (1995),Animation\r\n".utf8))
        write("ratings.csv", Self.bom + Array(("\"userId\",\"movieId\",\"rating\",\"timestamp\"\r\n"
            + "\"\(Self.bigUser)\",\"\(Self.bigMovie)\",\"4.5\",\"978300760\"\r\n"
            + "\(Self.bigUser),2,\"3\",978300761\r\n"
            + "7,\(Self.bigMovie),5,978300762\r\n").utf8))
        write("plots.tsv", Self.bom + Array("movieId\tplot\r\n\(Self.bigMovie)\tTwo men and a city.\r\n".utf8))
        let ml = try MovieLens.load(directory: dir, plots: dir + "/plots.tsv")
        XCTAssertEqual(ml.users.ids, [Self.bigUser, 7])
        XCTAssertEqual(ml.items.ids, [Self.bigMovie, 2])
        XCTAssertEqual(ml.ratings.ratings, [4.5, 3, 5])
        XCTAssertEqual(ml.titles[0], "Heat, The (1995)")
        XCTAssertEqual(ml.plots[0], "Two men and a city.")
        XCTAssertEqual(ml.events.count, 2)
    }

    func testBOMAndCRLFInDatAnd100K() throws {
        write("movies.dat", Self.bom + Array("1::Toy Story (1995)::Animation\r\n2::Heat (1995)::Action\r\n".utf8))
        write("ratings.dat", Self.bom + Array("1::1::5::978300760\r\n1::2::\"4\"::978300761\r\n".utf8))
        XCTAssertEqual(try MovieLens.load(directory: dir).events.count, 2)
        try FileManager.default.removeItem(atPath: dir + "/movies.dat")
        write("u.item", Self.bom + Array("1|Toy Story (1995)|01-Jan-1995||url|0|0|0|1|1|1|0|0|0|0|0|0|0|0|0|0|0|0|0\r\n".utf8))
        write("u.data", Self.bom + Array("1\t1\t5\t881250949\r\n2\t1\t4\t881250950\r\n".utf8))
        let ml = try MovieLens.load(directory: dir)
        XCTAssertEqual(ml.format, .ml100k)
        XCTAssertEqual(ml.events.count, 2)
    }

    /// A user who rated a movie twice counts once, with the latest rating; the summary says so.
    func testDuplicateRatingsAreMergedAndCounted() throws {
        write("movies.dat", "1::A (1990)::Drama\n2::B (1991)::Drama\n")
        write("ratings.dat", "1::1::2::100\n1::2::5::100\n2::1::5::100\n1::1::5::300\n1::1::1::200\n2::1::3::100\n")
        let ml = try MovieLens.load(directory: dir)
        XCTAssertEqual(ml.mergedDuplicates, 3)
        XCTAssertEqual(ml.ratings.count, 3)
        // user 1 × movie 1: the latest (time 300, rating 5); user 2 × movie 1: a tie in time, the later line (3).
        let pairs = (0..<ml.ratings.count).map { "\(ml.users.ids[Int(ml.ratings.users[$0])])-\(ml.items.ids[Int(ml.ratings.items[$0])])-\(ml.ratings.ratings[$0])" }
        XCTAssertEqual(Set(pairs), ["1-1-5.0", "1-2-5.0", "2-1-3.0"])
        XCTAssertEqual(ml.events.count, 2)
        XCTAssertTrue(ml.description.contains("3 duplicate ratings merged"), ml.description)
        write("ratings.dat", "1::1::2::100\n")
        XCTAssertFalse(try MovieLens.load(directory: dir).description.contains("duplicate"))
    }

    func testFieldsNumbers() {
        func int(_ s: String) -> Int? { Fields.int(ArraySlice(Array(s.utf8))) }
        XCTAssertEqual(int("9223372036854775807"), Int.max)
        XCTAssertEqual(int("-9223372036854775807"), -Int.max)
        XCTAssertNil(int("9223372036854775808"))
        XCTAssertNil(int("99999999999999999999"))
        XCTAssertEqual(int(" \"42\" "), 42)
        XCTAssertNil(int("\"42"))
        XCTAssertNil(int("\"\""))
        XCTAssertEqual(Fields.float(ArraySlice(Array("\"3.5\"".utf8))), 3.5)
        XCTAssertNil(Fields.float(ArraySlice(Array("nan".utf8))))
        XCTAssertNil(Fields.float(ArraySlice(Array("1e40".utf8))))
    }

    func testUTF16IsRefusedClearly() throws {
        write("movies.dat", "1::A (1990)::Drama\n")
        var utf16: [UInt8] = [0xFF, 0xFE]
        for unit in "1::1::5::100\n".utf16 { utf16 += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        write("ratings.dat", utf16)
        XCTAssertThrowsError(try MovieLens.load(directory: dir)) { XCTAssertTrue("\($0)".hasSuffix("ratings.dat: is UTF-16 text; rec reads UTF-8 (save the file as UTF-8)"), "\($0)") }
        write("ratings.dat", Array(utf16.dropFirst(2)))
        XCTAssertThrowsError(try MovieLens.load(directory: dir)) { XCTAssertTrue("\($0)".contains("ratings.dat:1: holds a NUL byte"), "\($0)") }
    }

    /// Stops the work at its second report, as Ctrl-C does through the session's flag.
    final class StopSoon: ProgressMonitor {
        var reports = 0
        func advance(_ fraction: Double, _ what: String) throws {
            reports += 1
            if reports > 1 { throw Cancelled() }
        }
    }

    func testLongLoadsCanBeStopped() throws {
        write("movies.dat", (1...50).map { "\($0)::Movie \($0) (1990)::Drama\n" }.joined())
        write("ratings.dat", (0..<100_000).map { "\($0 % 997)::\($0 % 50 + 1)::4::\($0)\n" }.joined())
        let monitor = StopSoon()
        XCTAssertThrowsError(try MovieLens.load(directory: dir, monitor: monitor)) { XCTAssertTrue($0 is Cancelled, "\($0)") }
        XCTAssertEqual(monitor.reports, 2)
        let words = (0..<40_000).map { "w\($0) 0.5 -1 2\n" }.joined()
        write("v.txt", words)
        XCTAssertThrowsError(try WordVectors.load(dir + "/v.txt", monitor: StopSoon())) { XCTAssertTrue($0 is Cancelled, "\($0)") }
        XCTAssertEqual(try WordVectors.load(dir + "/v.txt").count, 40_000)
    }
}
