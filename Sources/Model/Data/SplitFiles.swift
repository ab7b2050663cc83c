import Foundation

/// A split as `user<TAB>item` files in the dataset's original ids, so results compare with
/// other tools: train.tsv, test_warm.tsv, test_cold.tsv, valid_warm.tsv, valid_cold.tsv.
extension Split {
    public static let fileNames = (train: "train.tsv", testWarm: "test_warm.tsv", testCold: "test_cold.tsv",
                                   validWarm: "valid_warm.tsv", validCold: "valid_cold.tsv")

    /// Writes the five files as one set: into a new directory beside `directory`, which then
    /// takes its place in one step (`AtomicFile.replaceDirectory`), so a reader — or a kill at
    /// any moment — sees the old set or the new one, never a mix.
    public func save(to directory: String, data: MovieLens) throws {
        let n = Split.fileNames
        try AtomicFile.replaceDirectory(directory) { temporary in
            for (name, events) in [(n.train, train), (n.testWarm, testWarm), (n.testCold, testCold),
                                   (n.validWarm, validWarm), (n.validCold, validCold)] {
                var text = "user\titem\n"
                for k in 0..<events.count {
                    text += "\(data.users.ids[Int(events.users[k])])\t\(data.items.ids[Int(events.items[k])])\n"
                }
                try AtomicFile.writeNew(Array(text.utf8), to: (temporary as NSString).appendingPathComponent(name),
                                        reportAs: (directory as NSString).appendingPathComponent(name))
            }
        }
    }

    /// Whether `directory` holds a split as `save` writes it (its own files and nothing else
    /// but temporaries of earlier writers): what rec may replace without being told to.
    public static func isSavedSplit(_ directory: String) -> Bool {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return false }
        if entries.isEmpty { return true }  // made beforehand, as people do: nothing in it to lose
        let n = fileNames, names: Set = [n.train, n.testWarm, n.testCold, n.validWarm, n.validCold]
        let ours = entries.allSatisfy { names.contains($0) || $0.contains(".nosync") || $0.contains(AtomicFile.temporaryMarker) }
        guard ours, entries.contains(n.train), let handle = FileHandle(forReadingAtPath: (directory as NSString).appendingPathComponent(n.train)) else {
            return false
        }
        defer { try? handle.close() }
        return (try? handle.read(upToCount: 10)).map { Array($0) == Array("user\titem\n".utf8) } ?? false
    }

    /// A split given as files of `user<TAB>item` pairs in original ids (a `user item` header
    /// line is allowed). Ratings and times come from the dataset where the pair is one of its
    /// events. Cold items are the test-cold items that never occur in training.
    public static func load(_ data: MovieLens, train: String, testWarm: String, testCold: String,
                            validWarm: String? = nil, validCold: String? = nil) throws -> Split {
        var known = [Int64: Int]()
        let width = Int64(data.items.count)
        for k in 0..<data.events.count { known[Int64(data.events.users[k]) * width + Int64(data.events.items[k])] = k }
        func read(_ path: String?) throws -> Events {
            guard let path else { return Events() }
            let file = try TextFile(path, allowEmpty: true)
            var events = Events()
            try file.forEachLine { n, line in
                let f = line.split(whereSeparator: { $0 == 9 || $0 == 32 || $0 == 44 })
                guard f.count >= 2 else { throw file.error(n, "expected user<TAB>item") }
                guard let u = Fields.int(f[0]), let i = Fields.int(f[1]) else {
                    if n == 1 { return }  // a header
                    throw file.error(n, "expected two ids (whole numbers): user<TAB>item")
                }
                guard let user = data.users.lookup(u) else { throw file.error(n, "user id \(u) is not in the dataset") }
                guard let item = data.items.lookup(i) else { throw file.error(n, "movie id \(i) is not in the dataset") }
                if let k = known[Int64(user) * width + Int64(item)] {
                    events.append(user: user, item: item, rating: data.events.ratings[k], time: data.events.times[k])
                } else {
                    events.append(user: user, item: item, rating: .nan, time: 0)
                }
            }
            return events
        }
        let tr = try read(train), vw = try read(validWarm), vc = try read(validCold)
        let tw = try read(testWarm), tc = try read(testCold)
        var inTrain = Set(tr.items)
        let validColdItems = vc.distinctItems.filter { !inTrain.contains($0) }.sorted()
        inTrain.formUnion(vw.items)
        inTrain.formUnion(vc.items)
        let coldItems = tc.distinctItems.filter { !inTrain.contains($0) }.sorted()
        return Split(train: tr, testWarm: tw, testCold: tc, validWarm: vw, validCold: vc,
                     coldItems: coldItems, validColdItems: validColdItems)
    }
}
