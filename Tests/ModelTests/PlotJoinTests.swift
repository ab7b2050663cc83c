import XCTest
@testable import Model

/// Plots joined from another catalogue: every join rule and every drop rule on a tiny
/// hand-made catalogue, then the title join checked on the real data against the plots that
/// were joined by curated IMDb links.
final class PlotJoinTests: XCTestCase {
    var dir = ""

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "rec-plots-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir + "/small100k", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: dir + "/latest", withIntermediateDirectories: true)
        let flags = Array(repeating: "0", count: 19).joined(separator: "|")
        // An ML-100K-like catalogue: id 4 and 5 are the same movie listed twice (as in ML-100K).
        let items = ["1|Toy Story (1995)", "2|GoldenEye (1995)", "3|Seven (Se7en) (1995)", "4|Chasing Amy (1997)",
                     "5|Chasing Amy (1997)", "6|Postino, Il (1994)", "7|Four Rooms (1995)", "8|Get Shorty (1995)"]
        try items.map { "\($0)|01-Jan-1995||http://x|\(flags)\n" }.joined()
            .write(toFile: dir + "/small100k/u.item", atomically: true, encoding: .utf8)
        try "1\t1\t5\t1\n1\t2\t4\t2\n".write(toFile: dir + "/small100k/u.data", atomically: true, encoding: .utf8)
        // An ml-latest-like catalogue with its own ids, alternative titles and curated links.
        try """
            movieId,title,genres
            1,Toy Story (1995),Animation
            10,GoldenEye (1995),Action
            47,Seven (a.k.a. Se7en) (1995),Thriller
            1639,Chasing Amy (1997),Comedy
            18,Four Rooms (1995),Comedy
            21,Get Shorty (1995),Comedy

            """.write(toFile: dir + "/latest/movies.csv", atomically: true, encoding: .utf8)
        try "userId,movieId,rating,timestamp\n1,1,4.0,1\n".write(toFile: dir + "/latest/ratings.csv", atomically: true, encoding: .utf8)
        try "movieId,imdbId,tmdbId\n1,0114709,862\n10,0113189,710\n47,0114369,807\n1639,0118842,2255\n18,0113101,5\n21,0113161,8012\n"
            .write(toFile: dir + "/latest/links.csv", atomically: true, encoding: .utf8)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }

    /// Records as the movielens-details JSON has them (texts written for this test).
    func details(_ records: [(Int, String, String?, String?)]) throws -> String {
        let objects: [[String: Any]] = records.map { id, title, tt, text in
            var o: [String: Any] = ["movie_id": id, "movie_title": title, "description": text ?? NSNull()]
            if let tt { o["movie_url"] = "http://www.imdb.com/title/\(tt)/?ref_=fn_al_tt_1" }
            return o
        }
        let path = dir + "/details.json"
        try JSONSerialization.data(withJSONObject: objects).write(to: URL(fileURLWithPath: path))
        return path
    }

    var records: [(Int, String, String?, String?)] {
        [(1, "Toy Story (1995)", "tt0114709", "Toys\tcome\nalive."),
         (2, "GoldenEye (1995)", "tt0113189", "It looks like we don't have any Plot Summaries for this title yet."),
         (3, "Seven (Se7en) (1995)", "tt0114369", "Two detectives hunt a killer."),
         (4, "Chasing Amy (1997)", "tt0118842", "A comic artist falls in love."),
         (5, "Chasing Amy (1997)", "tt0118842", "A comic artist falls in love."),
         (6, "Postino, Il (1994)", nil, "A postman befriends a poet."),
         (7, "Four Rooms (1995)", "tt0999999", "Siskel and Ebert review the week's movies."),
         (8, "Get Shorty (1995)", "tt0111111", "A loan shark goes to Hollywood."),
         (9, "Nowhere (1997)", "tt0111111", "Teenagers in Los Angeles."),
         (10, "Unknown (1990)", nil, nil)]
    }

    func testJoinsByIdAndTitleToTheSameCatalogue() throws {
        let target = try MovieLens.load(directory: dir + "/small100k")
        let r = try PlotJoin.join(PlotRecords.details(details(records)), to: target)
        XCTAssertEqual(r.records, 9, "a null description is no record")
        let byId = Dictionary(uniqueKeysWithValues: r.plots.map { (target.items.ids[Int($0.key)], $0.value) })
        XCTAssertEqual(byId[1], "Toys come alive.", "tabs and newlines become single spaces")
        XCTAssertEqual(byId[4], "A comic artist falls in love.")
        XCTAssertEqual(byId[5], "A comic artist falls in love.", "each listing of a duplicated movie keeps its plot")
        XCTAssertNil(byId[2], "placeholder")
        XCTAssertNil(byId[7], "review show")
        XCTAssertNil(byId[8], "an IMDb id two different titles claim")
        XCTAssertEqual(Set(byId.keys), [1, 3, 4, 5, 6])
        XCTAssertEqual(r.joinedBy, [.id: 5])
        XCTAssertEqual(r.dropped["placeholder text"], 1)
        XCTAssertEqual(r.dropped["a review show, not the movie"], 1)
        XCTAssertEqual(r.dropped["IMDb id claimed by different titles"], 2)
        // Written and read back in the dataset's own format.
        try r.write(dir + "/small100k/plots.tsv", for: target)
        let reloaded = try MovieLens.load(directory: dir + "/small100k", plots: dir + "/small100k/plots.tsv")
        XCTAssertEqual(reloaded.itemsWithPlots, 5)
        XCTAssertEqual(reloaded.plots[Int(reloaded.items.lookup(1)!)], "Toys come alive.")
    }

    func testJoinsByImdbThenTitleToAnotherCatalogue() throws {
        let target = try MovieLens.load(directory: dir + "/latest")
        var recs = records
        recs.append((11, "Toy Story (1995)", "tt0114709", "A second plot for Toy Story."))
        recs[4] = (5, "Chasing Amy (1997)", nil, "A comic artist falls in love.")   // no IMDb id: title
        recs[2] = (3, "Seven (Se7en) (1995)", nil, "Two detectives hunt a killer.") // loose title
        let r = try PlotJoin.join(PlotRecords.details(details(recs)), to: target)
        let byId = Dictionary(uniqueKeysWithValues: r.plots.map { (target.items.ids[Int($0.key)], $0.value) })
        XCTAssertEqual(byId[1], "Toys come alive.")
        XCTAssertEqual(byId[1639], "A comic artist falls in love.")
        XCTAssertEqual(byId[47], "Two detectives hunt a killer.", "Seven (Se7en) ↔ Seven (a.k.a. Se7en)")
        XCTAssertNil(byId[10])
        XCTAssertEqual(r.joinedBy, [.id: 1, .imdb: 1, .looseTitle: 1], "Toy Story keeps id 1 and its title here; Chasing Amy by IMDb id")
        XCTAssertEqual(r.dropped["a second plot for the same movie"], 1)
        XCTAssertEqual(r.dropped["the same plot twice"], 1)
        XCTAssertEqual(r.dropped["no movie of the dataset matches"], 1, "Postino, Il is not in this catalogue")
    }

    func testVerifiesImdbIdsAgainstCuratedLinks() throws {
        let target = try MovieLens.load(directory: dir + "/small100k"), verify = try MovieLens.load(directory: dir + "/latest")
        let recs: [(Int, String, String?, String?)] = [
            (1, "Toy Story (1995)", "tt0114709", "Toys come alive."),
            (2, "GoldenEye (1995)", "tt0000001", "The wrong page: links.csv gives GoldenEye another id."),
            (6, "Postino, Il (1994)", "tt0118842", "The id of a 1997 movie for a 1994 title."),
        ]
        let r = try PlotJoin.join(PlotRecords.details(details(recs)), to: target, verify: verify)
        XCTAssertEqual(r.plots.count, 1)
        XCTAssertEqual(r.dropped["IMDb id differs from links.csv for the same title"], 1)
        XCTAssertEqual(r.dropped["IMDb id belongs to a movie of another year"], 1)
    }

    func testMalformedDetailsNameTheFileAndRecord() throws {
        let path = dir + "/bad.json"
        try "[{\"movie_id\": 1, \"movie_title\": \"A (1990)\", \"description\": \"x\"}, {\"movie_title\": \"B\"}]"
            .write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try PlotRecords.details(path)) { XCTAssertEqual("\($0)", "\(path): record 2: expected \"movie_id\" (a whole number)") }
        try "{not json".write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try PlotRecords.details(path)) { XCTAssertTrue("\($0)".hasPrefix("\(path): is not valid JSON"), "\($0)") }
        XCTAssertThrowsError(try PlotRecords.details(dir + "/missing.json")) { XCTAssertTrue("\($0)".hasSuffix("missing.json: no such file"), "\($0)") }
    }

    func testTitleKeys() {
        XCTAssertEqual(PlotJoin.looseKey("Postman, The (Postino, Il) (1994)"), "the postman|1994")
        XCTAssertEqual(PlotJoin.looseKey(" GoodFellas (1990) "), PlotJoin.looseKey("Goodfellas (1990)"))
        XCTAssertEqual(PlotJoin.looseKey("Twelve Monkeys (a.k.a. 12 Monkeys) (1995)"), "twelve monkeys|1995")
        XCTAssertNil(PlotJoin.looseKey("No year"))
        XCTAssertEqual(PlotJoin.year(of: "Seven (Se7en) (1995)"), 1995)
        XCTAssertEqual(PlotRecords.imdbNumber("http://www.imdb.com/title/tt0114709/?ref_=fn_al_tt_1"), 114709)
    }

    /// The title join is how ML-1M (no links.csv) gets plots: carried from ML-100K to
    /// ml-latest-small by titles alone, it must agree with the plots joined there by IMDb id.
    func testTitleJoinAgreesWithImdbJoinOnRealData() throws {
        let source = try MovieLens.load(directory: dataPath("ml-100k"), plots: dataPath("ml-100k/plots.tsv"))
        let target = try MovieLens.load(directory: dataPath("ml-latest-small"))
        let reference = try MovieLens.load(directory: dataPath("ml-latest-small"), plots: dataPath("ml-latest-small/plots.tsv"))
        var records = try PlotRecords.of(source)
        for i in records.indices { records[i].sourceId = nil }  // ML-100K ids mean other movies here
        let r = try PlotJoin.join(records, to: target)
        var agree = 0, differ = 0
        for (item, text) in r.plots {
            guard let expected = reference.plots[Int(item)] else { continue }
            if expected == text { agree += 1 } else { differ += 1 }
        }
        XCTAssertGreaterThan(r.plots.count, 1100)
        XCTAssertGreaterThan(agree, 1100)
        XCTAssertEqual(differ, 0)
    }
}
