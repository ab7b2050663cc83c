import Foundation

/// A scratch directory for one child: its data directory and its current directory, with a
/// copy of the demo data and a few small odd files. Fuzzed statements read and write files
/// here only, never in the repository or the shared data.
enum FuzzWorkspace {
    static let fixtures: [(String, [UInt8])] = [
        ("vec.txt", Array("the 0.1 0.2 0.3\nman 0.4 0.5 0.6\nlove -0.1 0 0.2\nworld 1 1 1\n".utf8)),
        ("junk.bin", (0..<256).map { UInt8($0) }),
        ("junk.gz", [0x1f, 0x8b, 0x08, 0x00] + Array("not really gzip".utf8)),
        ("empty", []),
    ]

    static func make(root: String, demo: String) throws -> String {
        let fm = FileManager.default
        let dir = (root as NSString).appendingPathComponent("w-" + ChildRun.nonce())
        try fm.createDirectory(atPath: dir + "/dir.d", withIntermediateDirectories: true)
        do {
            try fm.copyItem(atPath: demo, toPath: dir + "/demo")
        } catch {
            throw FuzzError("cannot copy the demo data from \(demo): \(error.localizedDescription)")
        }
        for (name, bytes) in fixtures {
            guard fm.createFile(atPath: dir + "/" + name, contents: Data(bytes)) else { throw FuzzError("cannot write \(dir)/\(name)") }
        }
        return dir
    }

    static func remove(_ dir: String) {
        // Statements may have made read-only or odd entries; removal does its best.
        try? FileManager.default.removeItem(atPath: dir)
    }
}
