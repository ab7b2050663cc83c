import ArgumentParser
import Foundation
import Model

/// `rec plots DATASET`: makes a dataset's `plots.tsv` from plots found elsewhere — the public
/// movielens-details JSON (ML-100K ids, IMDb links) or another dataset's plots — and says how
/// each plot was joined and why the others were dropped (`PlotJoin`). `scripts/fetch-data`
/// calls it after downloading.
struct PlotsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plots",
        abstract: "Join plots from a movielens-details JSON file or another dataset to a dataset's movies; write its plots.tsv.")

    @Argument(help: "The dataset directory that gets the plots (relative to the data directory).")
    var dataset: String

    @Option(help: "A movielens-details JSON file (records with movie_id, movie_title, movie_url, description), from the current directory.")
    var details: String?

    @Option(help: "Another dataset directory (relative to the data directory) whose plots.tsv to carry over.")
    var from: String?

    @Option(help: "A dataset directory with links.csv (ml-latest; relative to the data directory) to cross-check IMDb ids against.")
    var verify: String?

    @Option(help: "The file to write, from the current directory (default: DATASET/plots.tsv).")
    var out: String?

    @OptionGroup var common: CommonOptions

    func validate() throws {
        guard (details == nil) != (from == nil) else { throw ValidationError("give exactly one of --details FILE or --from DATASET") }
    }

    func path(_ p: String) -> String { p.hasPrefix("/") ? p : (common.dataDirectory as NSString).appendingPathComponent(p) }

    func run() throws {
        do {
            let target = try MovieLens.load(directory: path(dataset))
            let records: [PlotRecord]
            if let details {
                records = try PlotRecords.details(details)
            } else {
                let sourceDir = path(from ?? "")
                let plots = (sourceDir as NSString).appendingPathComponent("plots.tsv")
                records = try PlotRecords.of(MovieLens.load(directory: sourceDir, plots: plots))
            }
            let checker = try verify.map { try MovieLens.load(directory: path($0)) }
            let result = try PlotJoin.join(records, to: target, verify: checker)
            let file = out ?? (path(dataset) as NSString).appendingPathComponent("plots.tsv")
            try result.write(file, for: target)
            print(Self.report(result, target: target, file: file), terminator: "")
        } catch let error as DataError {
            printError("error: \(error)")
            throw ExitCode(1)
        }
    }

    static func report(_ r: PlotJoin.Result, target: MovieLens, file: String) -> String {
        var s = "\(r.plots.count) plots for \(target.items.count) movies written to \(file) (from \(r.records) records)\n"
        for key in PlotJoin.Key.allCases { if let n = r.joinedBy[key] { s += "  joined by \(key.rawValue): \(n)\n" } }
        for (reason, n) in r.dropped.sorted(by: { ($0.value, $1.key) > ($1.value, $0.key) }) { s += "  dropped, \(reason): \(n)\n" }
        return s
    }
}
