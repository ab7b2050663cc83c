import Foundation

/// Plot texts joined to a dataset's movies: `movieId<TAB>plot` with a header line (`.tsv`) or
/// `movieId::plot` lines (`.dat`, as in the ML-1M plot files other tools use).
enum PlotFile {
    static func read(_ path: String, items: IdMap, monitor: (any ProgressMonitor)? = nil) throws -> [(Int32, String)] {
        var file = try TextFile(path)
        file.monitor = monitor
        let dat = path.hasSuffix(".dat")
        var out: [(Int32, String)] = []
        var firstLine = [Int32: Int]()
        try file.forEachLine { n, line in
            let f: [ArraySlice<UInt8>]
            if dat {
                let parts = Fields.split(line, by: UInt8(ascii: ":"), UInt8(ascii: ":"))
                // The plot itself may contain "::"; only the first separator counts.
                f = parts.count > 2 ? [parts[0], line[parts[1].startIndex...]] : parts
            } else {
                guard let tab = line.firstIndex(of: 9) else {
                    throw file.error(n, "expected movieId<TAB>plot")
                }
                f = [line[..<tab], line[(tab + 1)...]]
            }
            guard f.count == 2 else { throw file.error(n, dat ? "expected movieId::plot" : "expected movieId<TAB>plot") }
            guard let id = Fields.int(f[0]) else {
                if n == 1 && !dat { return }  // the header
                throw file.error(n, "expected a movie id (a whole number) before the plot")
            }
            guard let item = items.lookup(id) else {
                throw file.error(n, "movie id \(id) is not in the dataset's movie file")
            }
            if let first = firstLine[item] {
                throw file.error(n, "movie id \(id) has a second plot (the first is on line \(first))")
            }
            firstLine[item] = n
            let text = try file.string(f[1], at: n)
            out.append((item, text))
        }
        return out
    }

    /// Writes `movieId<TAB>plot` lines under a header, by movie id, replacing `path` atomically.
    static func write(_ path: String, plots: [Int32: String], items: IdMap) throws {
        var out = "movieId\tplot\n"
        for (item, text) in plots.map({ (items.ids[Int($0.key)], $0.value) }).sorted(by: { $0.0 < $1.0 }) {
            out += "\(item)\t\(PlotJoin.clean(text))\n"
        }
        try AtomicFile.write(Array(out.utf8), to: path)
    }
}
