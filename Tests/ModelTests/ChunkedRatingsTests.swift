import XCTest
import Foundation
@testable import Model

/// The fast ratings reader (chunks parsed side by side, byte-level, merged in order) against a
/// plain line-by-line reading written with String and Swift's number parsing: on the real
/// datasets, and on small files with every oddity, cut into chunks of every size from one byte
/// up, so that chunk boundaries fall inside quoted fields, between `\r` and `\n`, right after
/// a byte-order mark and inside long ids.
final class ChunkedRatingsTests: XCTestCase {
    var dir = ""

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "rec-chunks-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }

    func write(_ name: String, _ bytes: [UInt8]) {
        _ = FileManager.default.createFile(atPath: dir + "/" + name, contents: Data(bytes))
    }

    // MARK: the reference

    struct Reading: Equatable {
        var userIds: [Int] = []
        var users: [Int32] = [], items: [Int32] = [], ratings: [Float] = [], times: [Int64] = []
    }

    /// The ratings as a person would read them: lines split on `\n`, a trailing `\r` and blank
    /// lines dropped, a csv header skipped, fields split on the separator, trimmed of spaces and
    /// one pair of quotes, read by `Int(_:)` and `Float(_:)`; users numbered as they appear.
    static func reference(_ path: String, separator: String, items: IdMap) throws -> Reading {
        var text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        var out = Reading(), numbers: [Int: Int32] = [:]
        let lines = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map { String(String.UnicodeScalarView($0)) }
        for (k, raw) in lines.enumerated() {
            let line = raw.hasSuffix("\r") ? String(raw.unicodeScalars.dropLast()) : raw
            if line.isEmpty { continue }
            let fields = line.components(separatedBy: separator).map { field -> String in
                let t = field.trimmingCharacters(in: .init(charactersIn: " "))
                return t.count >= 2 && t.hasPrefix("\"") && t.hasSuffix("\"") ? String(t.dropFirst().dropLast()) : t
            }
            if k == 0 && separator == "," && fields[0] == "userId" { continue }
            let user = try XCTUnwrap(Int(fields[0]), line), item = try XCTUnwrap(items.lookup(try XCTUnwrap(Int(fields[1]))), line)
            if numbers[user] == nil { numbers[user] = Int32(out.userIds.count); out.userIds.append(user) }
            out.users.append(numbers[user]!)
            out.items.append(item)
            out.ratings.append(try XCTUnwrap(Float(fields[2]), line))
            out.times.append(Int64(try XCTUnwrap(Int(fields[3]), line)))
        }
        return out
    }

    static func reading(_ ml: MovieLens) -> Reading {
        Reading(userIds: ml.users.ids, users: ml.ratings.users, items: ml.ratings.items, ratings: ml.ratings.ratings, times: ml.ratings.times)
    }

    static func load(_ dir: String, threads: Int, chunk: Int, monitor: (any ProgressMonitor)? = nil) throws -> MovieLens {
        try MovieLens.load(directory: dir, options: RatingsReader.Options(exactly: threads, chunkBytes: chunk), monitor: monitor)
    }

    /// Loads in every way asked and checks each against the reference and the events against
    /// the ratings at or above 4.
    func assertMatchesReference(_ directory: String, ratings: String, separator: String, chunks: [Int], threads: [Int] = [1, 2, 3],
                                file: StaticString = #filePath, line: UInt = #line) throws {
        let serial = try Self.load(directory, threads: 1, chunk: 1 << 30)
        let expected = try Self.reference(directory + "/" + ratings, separator: separator, items: serial.items)
        XCTAssertEqual(Self.reading(serial), expected, "one chunk, one thread", file: file, line: line)
        for chunk in chunks {
            for t in threads {
                let ml = try Self.load(directory, threads: t, chunk: chunk)
                XCTAssertEqual(Self.reading(ml), expected, "chunks of \(chunk) bytes, \(t) threads", file: file, line: line)
                let positives = (0..<ml.ratings.count).filter { ml.ratings.ratings[$0] >= 4 }
                XCTAssertEqual(ml.events.users, positives.map { ml.ratings.users[$0] }, file: file, line: line)
                XCTAssertEqual(ml.events.times, positives.map { ml.ratings.times[$0] }, file: file, line: line)
                XCTAssertEqual(ml.events.ratings, positives.map { ml.ratings.ratings[$0] }, file: file, line: line)
            }
        }
    }

    // MARK: real data

    func testRealDatasetsMatchThePlainReading() throws {
        try assertMatchesReference(try dataPath("ml-100k"), ratings: "u.data", separator: "\t", chunks: [1 << 20, 4096, 97])
        try assertMatchesReference(try dataPath("ml-latest-small"), ratings: "ratings.csv", separator: ",", chunks: [1 << 20, 4096, 97])
        let ml = try MovieLens.load(directory: try dataPath("ml-latest-small"), threads: 2)
        XCTAssertEqual(ml.ratings.count, 100_836)
        XCTAssertEqual(ml.users.ids.prefix(3), [1, 2, 3])
    }

    // MARK: odd files, cut everywhere

    static let bom: [UInt8] = [0xEF, 0xBB, 0xBF]

    func testOddCSVCutEverywhere() throws {
        write("movies.csv", Array("movieId,title,genres\n1,\"A, The (1990)\",Drama\n22,B (1991),Comedy\n1234567890123456789,C (1992),Drama\n".utf8))
        let rows = [
            "\"userId\",\"movieId\",\"rating\",\"timestamp\"\r\n",
            "\"9223372036854775807\",\"1\",\"4.5\",\"978300760\"\r\n",  // quoted everything, the largest id
            "5,22,3,978300761\r\n", "\r\n", "\n",  // blank lines, CRLF and LF
            " 5 ,1234567890123456789, 4 ,978300762\n",  // spaces, a 19-digit movie id
            "-7,1,+0.5,-12\n", "8,1,3.1415926535,1\n", "8,22,4.,2\n", "12,1,.5,3\n", "9,1,1e0,4\n",  // signs and numbers the fast path leaves
            "10,22,0004.0000,5\n", "123456789012345678,1,5,123456789012345678\n",  // 18-digit ids and times, zeros
            "13,22,4.25,6\r\n", "11,1,2.5,7",  // no line end at the very end
        ]
        write("ratings.csv", Self.bom + Array(rows.joined().utf8))
        try assertMatchesReference(dir, ratings: "ratings.csv", separator: ",", chunks: Array(1...40) + [64, 1000])
        let ml = try Self.load(dir, threads: 2, chunk: 5)
        XCTAssertEqual(ml.users.ids, [Int.max, 5, -7, 8, 12, 9, 10, 123_456_789_012_345_678, 13, 11])
        XCTAssertEqual(ml.mergedDuplicates, 0)
        XCTAssertEqual(ml.ratings.ratings, [4.5, 3, 4, 0.5, 3.1415926535, 4, 0.5, 1, 4, 5, 4.25, 2.5])
    }

    func testDatAnd100KCutEverywhere() throws {
        write("movies.dat", Array("1::A (1990)::Drama\n2::B (1991)::Comedy\n".utf8))
        write("ratings.dat", Self.bom + Array("1::1::5::978300760\r\n\r\n2::2::\"4\"::978300761\r\n1::2::3.5::978300762\r\n3::1::1::9\n".utf8))
        try assertMatchesReference(dir, ratings: "ratings.dat", separator: "::", chunks: Array(1...30))
        try FileManager.default.removeItem(atPath: dir + "/movies.dat")
        write("u.item", Array("1|A (1990)|01-Jan-1990||url|0|0|0|1|1|1|0|0|0|0|0|0|0|0|0|0|0|0|0\n".utf8))
        write("u.data", Self.bom + Array("1\t1\t5\t881250949\r\n2\t1\t4\t881250950\n\n3\t1\t\"2\"\t881250951".utf8))
        try assertMatchesReference(dir, ratings: "u.data", separator: "\t", chunks: Array(1...30))
    }

    /// Many users over many chunks, unsorted, with repeats: numbering, duplicates and the
    /// events agree whatever the chunking.
    func testManyChunksNumberUsersAndMergeDuplicatesAlike() throws {
        write("movies.dat", Array((1...30).map { "\($0)::M\($0) (1990)::Drama\n" }.joined().utf8))
        let rng = RandomSource(seed: 5)
        let lines = (0..<3000).map { k in "\(rng.below(400) * 7919 % 100_003)::\(1 + rng.below(30))::\(1 + rng.below(5))::\(k % 50)\n" }
        write("ratings.dat", Array(lines.joined().utf8))
        let serial = try Self.load(dir, threads: 1, chunk: 1 << 30)
        XCTAssertGreaterThan(serial.mergedDuplicates, 0)
        for (t, chunk) in [(2, 64), (3, 1000), (4, 4096), (2, 17)] {
            let ml = try Self.load(dir, threads: t, chunk: chunk)
            XCTAssertEqual(Self.reading(ml), Self.reading(serial), "\(t) threads, chunks of \(chunk)")
            XCTAssertEqual(ml.mergedDuplicates, serial.mergedDuplicates)
            XCTAssertEqual(ml.events.users, serial.events.users)
            XCTAssertEqual(ml.events.items, serial.events.items)
        }
        // Sorted by user (as MovieLens ships its files), the merge walks the file in order.
        func user(_ line: String) -> Int { Int(line.prefix { $0 != ":" })! }
        write("ratings.dat", Array(lines.sorted { user($0) < user($1) }.joined().utf8))
        let sorted = try Self.load(dir, threads: 2, chunk: 256)
        XCTAssertTrue(DuplicateRatings.groupedByUser(sorted.ratings.users))
        XCTAssertEqual(sorted.mergedDuplicates, serial.mergedDuplicates)
        XCTAssertEqual(sorted.ratings.count, serial.ratings.count)
    }

    // MARK: errors

    /// A bad line is reported at the same file:line with the same words however the file is cut.
    func testErrorsNameTheSameLineWhateverTheChunks() throws {
        write("movies.dat", Array("1::A (1990)::Drama\n2::B (1991)::Comedy\n".utf8))
        let good = (0..<40).map { "\($0 % 7)::\($0 % 2 + 1)::4::\($0)\r\n" }
        let cases: [(String, Int, String)] = [
            ("3::1::4\r\n", 11, "UserID::MovieID::Rating::Timestamp, found 3 fields"),
            ("3::9::4::1\r\n", 11, "movie id 9 is not in the movie file"),
            ("3::1::four::1\r\n", 11, "expected a rating"),
            ("3::1::4::1\u{0}\r\n", 11, "NUL byte"),
            ("99999999999999999999::1::4::1\n", 11, "expected a user id"),
        ]
        for (bad, line, message) in cases {
            var lines = good
            lines.insert(bad, at: 10)
            lines.insert("5::2::x::1\n", at: 30)  // a later error never wins
            write("ratings.dat", Array(lines.joined().utf8))
            for (t, chunk) in [(1, 1 << 30), (1, 7), (2, 1), (2, 13), (3, 50), (2, 4096)] {
                XCTAssertThrowsError(try Self.load(dir, threads: t, chunk: chunk)) { error in
                    guard let e = error as? DataError else { return XCTFail("\(error)") }
                    XCTAssertEqual(e.line, line, "\(bad) in chunks of \(chunk): \(e)")
                    XCTAssertTrue(e.file.hasSuffix("ratings.dat") && e.message.contains(message), "\(bad) in chunks of \(chunk): \(e)")
                }
            }
        }
    }

    // MARK: the fast path and the careful one

    /// Random lines of the plain shape and near it: whenever the fast path reads a line, it
    /// reads what the careful path (`RatingLayout.read`) reads, to the bit.
    func testFastPathAgreesWithTheCarefulReading() {
        let rng = RandomSource(seed: 9)
        let pieces = ["0", "1", "7", "9", "00", "123", "99999", "123456789012345678", "1234567890123456789", ".", "..", "-", " ", "\"", "e", ""]
        func number() -> String { (0..<(1 + rng.below(3))).map { _ in pieces[rng.below(pieces.count)] }.joined() }
        var fast = 0
        for layout in [RatingLayout.tab, .colons, .comma] {
            let sep = layout == .tab ? "\t" : layout == .colons ? "::" : ","
            for _ in 0..<20_000 {
                var fields = (0..<4).map { _ in number() }
                if rng.below(2) == 0 { fields = fields.map { $0.filter(\.isNumber) } }  // plain, mostly
                if rng.below(2) == 0 { fields[2] = "\(rng.below(100)).\(rng.below(10_000))" }
                let text = fields.joined(separator: sep) + (rng.below(3) == 0 ? "\r\n" : "\n")
                let bytes = Array(text.utf8)
                let read = bytes.withUnsafeBufferPointer { b in
                    RatingChunkParser.plainLine(b.baseAddress!, layout.separator, layout.doubled).map { ($0, b.baseAddress!.distance(to: $0.next)) }
                }
                guard let (plain, length) = read else { continue }
                fast += 1
                XCTAssertEqual(length, bytes.count, text)
                var line = bytes[...].dropLast()
                if line.last == 13 { line = line.dropLast() }
                let careful = layout.read(line, first: false)
                if case .failure(let message) = careful, message.contains("stars") {  // off the scale: both refuse it
                    XCTAssertFalse(RatingLayout.stars.contains(plain.rating), text)
                    continue
                }
                guard case let .rating(user, item, rating, time) = careful else { return XCTFail(text) }
                XCTAssertEqual(plain.user, user, text)
                XCTAssertEqual(plain.item, item, text)
                XCTAssertEqual(plain.rating.bitPattern, rating.bitPattern, text)
                XCTAssertEqual(plain.time, time, text)
            }
        }
        XCTAssertGreaterThan(fast, 3000)
    }

    // MARK: Ctrl-C

    final class StopAt: ProgressMonitor {
        let at: Int
        var reports = 0
        init(_ at: Int) { self.at = at }
        func advance(_ fraction: Double, _ what: String) throws {
            reports += 1
            XCTAssertTrue(what.hasPrefix("reading ratings.dat"), what)
            if reports >= at { throw Cancelled() }
        }
    }

    func testStopsBetweenChunksOnAnyNumberOfThreads() throws {
        write("movies.dat", Array("1::A (1990)::Drama\n".utf8))
        write("ratings.dat", Array((0..<5000).map { "\($0)::1::4::\($0)\n" }.joined().utf8))
        for t in [1, 2, 3] {
            let monitor = StopAt(3)
            XCTAssertThrowsError(try Self.load(dir, threads: t, chunk: 1000, monitor: monitor)) { XCTAssertTrue($0 is Cancelled, "\($0)") }
            XCTAssertEqual(monitor.reports, 3)
        }
        let all = StopAt(Int.max)
        XCTAssertEqual(try Self.load(dir, threads: 2, chunk: 1000, monitor: all).ratings.count, 5000)
        XCTAssertGreaterThan(all.reports, 5)
    }
}
