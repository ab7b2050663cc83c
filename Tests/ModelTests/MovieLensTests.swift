import XCTest
@testable import Model

final class MovieLensTests: XCTestCase {
    func testLoads100KWithPlots() throws {
        let ml = try MovieLens.load(directory: dataPath("ml-100k"), plots: dataPath("ml-100k/plots.tsv"))
        XCTAssertEqual(ml.format, .ml100k)
        XCTAssertEqual(ml.users.count, 943)
        XCTAssertEqual(ml.items.count, 1682)
        XCTAssertEqual(ml.ratings.count, 100_000)
        XCTAssertEqual(ml.events.count, ml.ratings.ratings.filter { $0 >= 4 }.count)
        XCTAssertEqual(ml.itemsWithPlots, 1487)
        XCTAssertEqual(ml.titles[Int(ml.items.lookup(1)!)], "Toy Story (1995)")
        XCTAssertEqual(ml.genres[Int(ml.items.lookup(1)!)], ["Animation", "Children's", "Comedy"])
        XCTAssertTrue(ml.plots[Int(ml.items.lookup(1)!)]!.hasPrefix("A cowboy doll"))
        XCTAssertEqual(ml.item(titled: "GoldenEye"), ml.items.lookup(2))
        XCTAssertTrue(ml.description.contains("943 users"), ml.description)
    }

    func testLoadsLatestSmallCSV() throws {
        let ml = try MovieLens.load(directory: dataPath("ml-latest-small"), plots: dataPath("ml-latest-small/plots.tsv"),
                                    positive: 4)
        XCTAssertEqual(ml.format, .csv)
        XCTAssertEqual(ml.users.count, 610)
        XCTAssertEqual(ml.items.count, 9742)
        XCTAssertEqual(ml.ratings.count, 100_836)
        XCTAssertEqual(ml.itemsWithPlots, 1201)
        let president = ml.items.lookup(11)!
        XCTAssertEqual(ml.titles[Int(president)], "American President, The (1995)")
        XCTAssertEqual(ml.genres[Int(president)], ["Comedy", "Drama", "Romance"])
        XCTAssertTrue(ml.ratings.ratings.contains(3.5))
    }
}
