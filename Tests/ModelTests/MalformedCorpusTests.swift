import XCTest
import Foundation
@testable import Model

/// A corpus of broken input files, made from small valid ones by a table of mutations: every
/// MovieLens layout (ratings and movie files), plots, word vectors (GloVe, word2vec text and
/// binary, gzip), .npy and checkpoints — truncated, wrong magic, huge or damaged headers,
/// wrong dtypes, Latin-1 bytes, UTF-16. Each must end in one line naming the file (and the
/// line where there is one), never in a crash.
final class MalformedCorpusTests: XCTestCase {
    enum Loader {
        case movielens(plots: String?)
        case vectors(String)
        case npy(String)
        case checkpoint(String)
    }
    enum Line: Equatable { case none, at(Int), any }

    struct Case {
        let label: String
        var files: [String: [UInt8]]
        let loader: Loader
        /// The file the error must name, and where.
        let culprit: String
        let line: Line
        var directories: [String] = []
    }

    func testEveryMalformedFileGivesOneLineNamingIt() throws {
        let cases = try MovieLensCorpus.cases() + PlotCorpus.cases() + VectorCorpus.cases() + NPYCorpus.cases() + CheckpointCorpus.cases()
        XCTAssertGreaterThanOrEqual(cases.count, 100)
        let root = NSTemporaryDirectory() + "rec-corpus-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: root) }
        for (k, c) in cases.enumerated() {
            let dir = root + "/\(k)"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            for (name, bytes) in c.files { FileManager.default.createFile(atPath: dir + "/" + name, contents: Data(bytes)) }
            for name in c.directories { try FileManager.default.createDirectory(atPath: dir + "/" + name, withIntermediateDirectories: true) }
            do {
                try Self.load(c.loader, in: dir)
                XCTFail("\(c.label): loaded without an error")
            } catch let e as DataError {
                let text = "\(e)"
                if ProcessInfo.processInfo.environment["REC_SHOW_CORPUS"] != nil {  // to read them all
                    print("\(c.label) => \(text.replacingOccurrences(of: dir + "/", with: ""))")
                }
                XCTAssertFalse(text.contains(where: \.isNewline), "\(c.label): \(text)")
                XCTAssertLessThan(text.count, 400, "\(c.label): \(text)")
                XCTAssertEqual((e.file as NSString).lastPathComponent, c.culprit, "\(c.label): \(text)")
                switch c.line {
                case .none: XCTAssertNil(e.line, "\(c.label): \(text)")
                case .at(let n): XCTAssertEqual(e.line, n, "\(c.label): \(text)")
                case .any: break
                }
            } catch {
                XCTFail("\(c.label): not a DataError: \(error)")
            }
        }
    }

    static func load(_ loader: Loader, in dir: String) throws {
        switch loader {
        case .movielens(let plots): _ = try MovieLens.load(directory: dir, plots: plots.map { dir + "/" + $0 })
        case .vectors(let name): _ = try WordVectors.load(dir + "/" + name)
        case .npy(let name): _ = try NPY.read(dir + "/" + name)
        case .checkpoint(let name):
            let m = try CheckpointCorpus.model()
            _ = try Checkpoint.load(into: m, optimizer: Adagrad(learningRate: 0.1), from: dir + "/" + name,
                                    userIds: Array(0..<CheckpointCorpus.users), itemIds: Array(0..<CheckpointCorpus.items))
        }
    }

    // MARK: encodings shared by the corpora

    static func utf16(_ text: String, bom: Bool = true) -> [UInt8] {
        var out: [UInt8] = bom ? [0xFF, 0xFE] : []
        for unit in text.utf16 { out += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        return out
    }

    static func gzip(_ bytes: [UInt8]) throws -> [UInt8] {
        let p = Process(), input = Pipe(), output = Pipe()
        p.executableURL = URL(fileURLWithPath: "/bin/gzip")
        p.arguments = ["-c", "-n"]
        p.standardInput = input
        p.standardOutput = output
        try p.run()
        input.fileHandleForWriting.write(Data(bytes))
        try input.fileHandleForWriting.close()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return [UInt8](out)
    }

    static let garbage: [UInt8] = [0x00, 0x13, 0xFF, 0xFE, 0x7F, 0x00, 0x80, 0x0A, 0x3A, 0x3A, 0x09, 0x00]
}

/// Ratings and movie files of the three MovieLens layouts.
enum MovieLensCorpus {
    struct Layout {
        let name: String, ratings: String, movies: String, separator: String
        let movieRows: [[String]]
    }

    static let genres100K = Array(repeating: "0", count: 19)
    static let layouts = [
        Layout(name: "ML-100K", ratings: "u.data", movies: "u.item", separator: "\t",
               movieRows: [["1", "Toy Story (1995)", "01-Jan-1995", "", "url"] + genres100K, ["2", "Heat (1995)", "", "", "u"] + genres100K,
                           ["3", "Casino (1995)", "", "", "u"] + genres100K]),
        Layout(name: "ML-1M", ratings: "ratings.dat", movies: "movies.dat", separator: "::",
               movieRows: [["1", "Toy Story (1995)", "Animation"], ["2", "Heat (1995)", "Action"], ["3", "Casino (1995)", "Drama"]]),
        Layout(name: "ml-latest", ratings: "ratings.csv", movies: "movies.csv", separator: ",",
               movieRows: [["1", "Toy Story (1995)", "Animation"], ["2", "Heat (1995)", "Action"], ["3", "Casino (1995)", "Drama"]]),
    ]
    static let ratingRows = [["1", "1", "5", "978300760"], ["1", "2", "3", "978302109"], ["2", "1", "4", "978301968"],
                             ["2", "3", "5", "978300275"], ["3", "3", "4", "978824291"]]

    static func text(_ rows: [[String]], _ separator: String, movies: Bool = false) -> String {
        rows.map { $0.joined(separator: movies && separator == "\t" ? "|" : separator) }.joined(separator: "\n") + "\n"
    }

    static func cases() throws -> [MalformedCorpusTests.Case] {
        var out: [MalformedCorpusTests.Case] = []
        for layout in layouts {
            let movies = Array(text(layout.movieRows, layout.separator, movies: true).utf8)
            func ratingCase(_ label: String, _ bytes: [UInt8], line: MalformedCorpusTests.Line) -> MalformedCorpusTests.Case {
                .init(label: "\(layout.name) \(layout.ratings): \(label)", files: [layout.movies: movies, layout.ratings: bytes],
                      loader: .movielens(plots: nil), culprit: layout.ratings, line: line)
            }
            func withField(_ k: Int, _ value: String) -> [UInt8] {
                var rows = ratingRows
                rows[1][k] = value
                return Array(text(rows, layout.separator).utf8)
            }
            for (label, k, value) in [("user not a number", 0, "x1"), ("movie not a number", 1, "two"), ("rating not a number", 2, "five"),
                                      ("rating nan", 2, "nan"), ("rating beyond float", 2, "1e40"), ("timestamp not a number", 3, "soon"),
                                      ("20-digit user id", 0, "99999999999999999999"), ("unknown movie", 1, "9"), ("unclosed quote", 0, "\"1")] {
                out.append(ratingCase(label, withField(k, value), line: .at(2)))
            }
            var latin1 = Array(text(ratingRows, layout.separator).utf8)
            latin1.insert(0xE9, at: latin1.firstIndex(of: 10)! + 2)  // "1é" as Latin-1 on line 2
            out.append(ratingCase("Latin-1 byte in an id", latin1, line: .at(2)))
            var short = ratingRows, long = ratingRows
            short[1].removeLast()
            long[1].append("7")
            out.append(ratingCase("a field missing", Array(text(short, layout.separator).utf8), line: .at(2)))
            out.append(ratingCase("a field too many", Array(text(long, layout.separator).utf8), line: .at(2)))
            let cut = text(Array(ratingRows.dropLast()), layout.separator) + "3" + layout.separator + "3" + layout.separator
            out.append(ratingCase("truncated inside the last line", Array(cut.utf8), line: .at(5)))
            out.append(ratingCase("empty", [], line: .none))
            out.append(ratingCase("blank lines only", Array("\n  \n\r\n".utf8), line: .none))
            out.append(ratingCase("UTF-16 with a byte-order mark", MalformedCorpusTests.utf16(text(ratingRows, layout.separator)), line: .none))
            out.append(ratingCase("UTF-16 without a byte-order mark", MalformedCorpusTests.utf16(text(ratingRows, layout.separator), bom: false), line: .at(1)))
            out.append(ratingCase("binary garbage", MalformedCorpusTests.garbage, line: .at(1)))
            var directory = ratingCase("a directory", [], line: .none)
            directory.files[layout.ratings] = nil
            directory.directories = [layout.ratings]
            out.append(directory)
            out += movieCases(layout)
        }
        return out
    }

    static func movieCases(_ layout: Layout) -> [MalformedCorpusTests.Case] {
        let ratings = Array(text(ratingRows, layout.separator).utf8)
        func movieCase(_ label: String, _ bytes: [UInt8], line: MalformedCorpusTests.Line) -> MalformedCorpusTests.Case {
            .init(label: "\(layout.name) \(layout.movies): \(label)", files: [layout.movies: bytes, layout.ratings: ratings],
                  loader: .movielens(plots: nil), culprit: layout.movies, line: line)
        }
        func rows(_ change: (inout [[String]]) -> Void) -> [UInt8] {
            var r = layout.movieRows
            change(&r)
            return Array(text(r, layout.separator, movies: true).utf8)
        }
        var out = [
            movieCase("a movie twice", rows { $0[1][0] = "1" }, line: .at(2)),
            movieCase("id not a number", rows { $0[1][0] = "II" }, line: .at(2)),
            movieCase("a field missing", rows { $0[1].removeLast() }, line: .at(2)),
            movieCase("empty", [], line: .none),
            movieCase("UTF-16", MalformedCorpusTests.utf16(text(layout.movieRows, layout.separator, movies: true)), line: .none),
            movieCase("a NUL byte", rows { $0[1][1] = "He\u{0}at" }, line: .at(2)),
        ]
        if layout.separator == "," { out.append(movieCase("unclosed quote", rows { $0[1][1] = "\"Heat (1995)" }, line: .at(2))) }
        return out
    }
}

/// Plot files (`.tsv` with a header, `.dat`) joined to a small ML-1M dataset.
enum PlotCorpus {
    static func cases() -> [MalformedCorpusTests.Case] {
        let movies = Array("1::Toy Story (1995)::Animation\n2::Heat (1995)::Action\n3::Casino (1995)::Drama\n".utf8)
        let ratings = Array("1::1::5::978300760\n2::3::4::978300761\n".utf8)
        var out: [MalformedCorpusTests.Case] = []
        for (name, header, sep) in [("plots.tsv", "movieId\tplot\n", "\t"), ("plots.dat", "", "::")] {
            let first = header.isEmpty ? 1 : 2  // the line of the first plot
            func plotCase(_ label: String, _ bytes: [UInt8], line: MalformedCorpusTests.Line) -> MalformedCorpusTests.Case {
                .init(label: "\(name): \(label)", files: ["movies.dat": movies, "ratings.dat": ratings, name: bytes],
                      loader: .movielens(plots: name), culprit: name, line: line)
            }
            func lines(_ body: String) -> [UInt8] { Array((header + body).utf8) }
            out += [
                plotCase("unknown movie", lines("1\(sep)A doll.\n7\(sep)Nobody's movie.\n"), line: .at(first + 1)),
                plotCase("a second plot", lines("1\(sep)A doll.\n1\(sep)Again.\n"), line: .at(first + 1)),
                plotCase("no separator", lines("1\(sep)A doll.\n3 A thief\n"), line: .at(first + 1)),
                plotCase("id not a number", lines("1\(sep)A doll.\nthree\(sep)A thief.\n"), line: .at(first + 1)),
                plotCase("Latin-1 text", Array((header + "1\(sep)A doll.\n3\(sep)Caf").utf8) + [0xE9, 10], line: .at(first + 1)),
                plotCase("a NUL byte", lines("1\(sep)A doll.\n3\(sep)A th\u{0}ief.\n"), line: .at(first + 1)),
                plotCase("UTF-16", MalformedCorpusTests.utf16(header + "1\(sep)A doll.\n"), line: .none),
                plotCase("empty", [], line: .none),
            ]
        }
        return out
    }
}

/// Word vectors: GloVe text, word2vec text and binary, and gzip-compressed copies.
enum VectorCorpus {
    static let rows = [("the", "0.1 0.2 0.3"), ("cat", "0.4 0.5 0.6"), ("dog", "0.7 0.8 0.9")]

    static func glove(_ r: [(String, String)]) -> String { r.map { "\($0.0) \($0.1)" }.joined(separator: "\n") + "\n" }

    static func binary(header: String = "3 3", words: [String] = ["the", "cat", "dog"]) -> [UInt8] {
        var out = Array((header + "\n").utf8)
        for (k, w) in words.enumerated() {
            out += Array((w + " ").utf8)
            for j in 0..<3 { withUnsafeBytes(of: Float(k * 3 + j).bitPattern.littleEndian) { out += $0 } }
            out.append(10)
        }
        return out
    }

    static func cases() throws -> [MalformedCorpusTests.Case] {
        var out: [MalformedCorpusTests.Case] = []
        func vectorCase(_ name: String, _ label: String, _ bytes: [UInt8], line: MalformedCorpusTests.Line) -> MalformedCorpusTests.Case {
            .init(label: "\(name): \(label)", files: [name: bytes], loader: .vectors(name), culprit: name, line: line)
        }
        for (name, header) in [("glove.txt", ""), ("w2v.txt", "3 3\n")] {
            let shift = header.isEmpty ? 0 : 1
            func text(_ change: (inout [(String, String)]) -> Void) -> [UInt8] {
                var r = rows
                change(&r)
                return Array((header + glove(r)).utf8)
            }
            let full = Array((header + glove(rows)).utf8)
            out += [
                vectorCase(name, "truncated", Array(full.prefix(full.count - 5)), line: .at(3 + shift)),
                vectorCase(name, "not a number", text { $0[1].1 = "0.4 0.x 0.6" }, line: .at(2 + shift)),
                vectorCase(name, "beyond float", text { $0[1].1 = "0.4 1e99 0.6" }, line: .at(2 + shift)),
                vectorCase(name, "a number too many", text { $0[1].1 = "0.4 0.5 0.6 0.7" }, line: .at(2 + shift)),
                vectorCase(name, "Latin-1 word", text { $0[1].0 = "caf" } .flatMap { $0 == UInt8(ascii: "f") ? [$0, 0xE9] : [$0] }, line: .at(2 + shift)),
                vectorCase(name, "a NUL byte", text { $0[2].0 = "d\u{0}g" }, line: .at(3 + shift)),
                vectorCase(name, "UTF-16", MalformedCorpusTests.utf16(header + glove(rows)), line: .none),
                vectorCase(name, "empty", [], line: .none),
            ]
        }
        let body = glove(rows)
        out += [
            vectorCase("w2v.txt", "fewer words than the header says", Array(("5 3\n" + body).utf8), line: .at(1)),
            vectorCase("w2v.txt", "a huge count", Array(("99999999999 3\n" + body).utf8), line: .at(1)),
            vectorCase("w2v.txt", "dimension 0", Array(("3 0\n" + body).utf8), line: .at(1)),
            vectorCase("w2v.txt", "a huge dimension", Array(("3 9223372036854775807\n" + body).utf8), line: .at(1)),
        ]
        let bin = binary()
        out += [
            vectorCase("w2v.bin", "truncated inside a vector", Array(bin.prefix(bin.count - 6)), line: .none),
            vectorCase("w2v.bin", "fewer entries than the header says", binary(header: "4 3"), line: .at(1)),
            vectorCase("w2v.bin", "Latin-1 word", binary(words: ["the", "caf\u{E9}", "dog"]).map { $0 == 0xC3 ? 0xE9 : $0 }.filter { $0 != 0xA9 }, line: .none),
            vectorCase("w2v.bin", "a huge count", binary(header: "4000000000000 3"), line: .at(1)),
        ]
        // The same damage inside gzip files, and damaged gzip streams.
        let zipped = try out.filter { ["truncated", "a huge count", "UTF-16", "truncated inside a vector", "Latin-1 word"].contains($0.label.components(separatedBy: ": ")[1]) }
            .map { c -> MalformedCorpusTests.Case in
                let name = c.culprit + ".gz"
                return vectorCase(name, c.label, try MalformedCorpusTests.gzip(c.files[c.culprit]!), line: c.line)
            }
        let good = try MalformedCorpusTests.gzip(Array(body.utf8))
        out += zipped + [
            vectorCase("v.txt.gz", "gzip stream cut short", Array(good.prefix(good.count / 2)), line: .none),
            vectorCase("v.txt.gz", "gzip stream damaged", Array(good.prefix(10)) + Array(repeating: 0xFF, count: 40), line: .none),
            vectorCase("v.txt.gz", "gzip magic only", [0x1F, 0x8B], line: .none),
        ]
        return out
    }
}

/// NumPy `.npy` files.
enum NPYCorpus {
    static func npy(_ header: String, version: UInt8 = 1, length: Int? = nil, data: [UInt8] = Array(repeating: 0, count: 16)) -> [UInt8] {
        var out: [UInt8] = [0x93] + Array("NUMPY".utf8) + [version, 0]
        let n = length ?? header.utf8.count
        out += version == 1 ? [UInt8(n & 0xFF), UInt8((n >> 8) & 0xFF)] : (0..<4).map { UInt8((n >> (8 * $0)) & 0xFF) }
        return out + Array(header.utf8) + data
    }

    static func cases() -> [MalformedCorpusTests.Case] {
        let ok = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }\n"
        func npyCase(_ label: String, _ bytes: [UInt8]) -> MalformedCorpusTests.Case {
            .init(label: "x.npy: \(label)", files: ["x.npy": bytes], loader: .npy("x.npy"), culprit: "x.npy", line: .none)
        }
        let valid = npy(ok)
        return [
            npyCase("wrong magic", Array("\u{93}NUMPI".utf8) + Array(valid.dropFirst(6))),
            npyCase("empty", []),
            npyCase("magic only", Array(valid.prefix(6))),
            npyCase("header longer than the file", npy(ok, length: 60_000, data: [])),
            npyCase("huge version-2 header length", npy(ok, version: 2, length: 0xFFFF_FFF0, data: [])),
            npyCase("version 9", npy(ok, version: 9)),
            npyCase("dtype complex64", npy(ok.replacingOccurrences(of: "<f4", with: "<c8"))),
            npyCase("dtype of strings", npy(ok.replacingOccurrences(of: "<f4", with: "<U1"))),
            npyCase("dtype float128", npy(ok.replacingOccurrences(of: "<f4", with: "<f16"))),
            npyCase("dtype int3", npy(ok.replacingOccurrences(of: "<f4", with: "<i3"))),
            npyCase("a structured dtype", npy(ok.replacingOccurrences(of: "'<f4'", with: "[('a', '<f4')]"))),
            npyCase("fortran_order neither True nor False", npy(ok.replacingOccurrences(of: "False", with: "Maybe"))),
            npyCase("float16 with float32's data size", npy(ok.replacingOccurrences(of: "<f4", with: "<f2"))),
            npyCase("int8 with float32's data size", npy(ok.replacingOccurrences(of: "<f4", with: "|i1"))),
            npyCase("five axes", npy(ok.replacingOccurrences(of: "(2, 2)", with: "(1, 1, 1, 2, 2)"))),
            npyCase("no axes, four numbers of data", npy(ok.replacingOccurrences(of: "(2, 2)", with: "()"))),
            npyCase("a shape beyond memory", npy(ok.replacingOccurrences(of: "(2, 2)", with: "(9223372036854775807, 9223372036854775807)"))),
            npyCase("a negative dimension", npy(ok.replacingOccurrences(of: "(2, 2)", with: "(-2, -2)"))),
            npyCase("an unreadable shape", npy(ok.replacingOccurrences(of: "(2, 2)", with: "(two, 2)"))),
            npyCase("data cut short", Array(valid.dropLast(3))),
            npyCase("data too long", valid + [0, 0, 0, 0]),
            npyCase("a key missing", npy("{'descr': '<f4', 'shape': (2, 2), }\n")),
            npyCase("a header that is not text", npy("{'descr': '<f4'") + [0xFF, 0xFE] + Array(", 'fortran_order': False, 'shape': (2, 2), }\n".utf8)),
            npyCase("a header full of line breaks", npy(String(repeating: "\n", count: 300))),
            npyCase("UTF-16 text", MalformedCorpusTests.utf16("not an array at all")),
        ]
    }
}

/// Checkpoints of a small model, damaged in their bytes or in their JSON header.
enum CheckpointCorpus {
    static let users = 12, items = 9

    static func model() throws -> ScoreModel {
        let rng = RandomSource(seed: 1)
        return try ScoreModel(user: EmbeddingTower(axis: .users, count: users, dim: 4, rng: rng),
                              item: DenseTower(EmbeddingTower(axis: .items, count: items, dim: 4, rng: rng), width: 4, activation: .elu, rng: rng),
                              users: users, items: items)
    }

    static func valid() throws -> [UInt8] {
        let m = try model(), optimizer = Adagrad(learningRate: 0.1)
        var train = Events()
        for k in 0..<40 { train.append(user: Int32(k % users), item: Int32(k % items), rating: 5, time: 0) }
        var o = Trainer.Options()
        o.epochs = 1
        _ = try Trainer(model: m, objective: Objective(loss: .bpr, negatives: 3), optimizer: optimizer, options: o).fit(train, rng: RandomSource(seed: 2))
        return try Checkpoint.encode(m, optimizer: optimizer, userIds: Array(0..<users), itemIds: Array(0..<items), train: train)
    }

    /// The checkpoint with its JSON header changed.
    static func edited(_ bytes: [UInt8], _ change: (inout [String: Any]) -> Void) throws -> [UInt8] {
        let start = Checkpoint.magic.count, end = bytes[start...].firstIndex(of: 10)!
        var json = try JSONSerialization.jsonObject(with: Data(bytes[start..<end])) as! [String: Any]
        change(&json)
        return Checkpoint.magic + [UInt8](try JSONSerialization.data(withJSONObject: json)) + Array(bytes[end...])
    }

    static func cases() throws -> [MalformedCorpusTests.Case] {
        let v = try valid()
        func ckptCase(_ label: String, _ bytes: [UInt8]) -> MalformedCorpusTests.Case {
            .init(label: "m.ckpt: \(label)", files: ["m.ckpt": bytes], loader: .checkpoint("m.ckpt"), culprit: "m.ckpt", line: .none)
        }
        let headerEnd = v[Checkpoint.magic.count...].firstIndex(of: 10)!
        var outOfRange = v
        for k in (v.count - 4)..<v.count { outOfRange[k] = 0x7F }
        return [
            ckptCase("empty", []),
            ckptCase("wrong magic", Array("RECCKPT9\n".utf8) + Array(v.dropFirst(9))),
            ckptCase("truncated inside the header", Array(v.prefix(headerEnd - 10))),
            ckptCase("truncated inside the data", Array(v.dropLast(5))),
            ckptCase("bytes beyond the data", v + [1, 2, 3, 4]),
            ckptCase("a header that is not JSON", Checkpoint.magic + Array("{not json\n".utf8)),
            ckptCase("a header of the wrong types", try edited(v) { $0["parameters"] = "many" }),
            ckptCase("version 99", try edited(v) { $0["version"] = 99 }),
            ckptCase("a shape beyond memory", try edited(v) { json in
                var p = json["parameters"] as! [[String: Any]]
                p[0]["shape"] = [Int.max, Int.max]
                json["parameters"] = p
            }),
            ckptCase("a parameter missing", try edited(v) { json in json["parameters"] = Array((json["parameters"] as! [Any]).dropLast()) }),
            ckptCase("a negative event count", try edited(v) { $0["fittedEvents"] = -1 }),
            ckptCase("a huge event count", try edited(v) { $0["fittedEvents"] = Int.max / 2 }),
            ckptCase("a negative step count", try edited(v) { $0["optimizerSteps"] = -5 }),
            ckptCase("another structure", try edited(v) { json in json["nodes"] = ["users Embedding(12 × 4)", "Dense(4 → 4, relu)"] }),
            ckptCase("another dataset's sizes", try edited(v) { $0["users"] = users + 1 }),
            ckptCase("another dataset's ids", try edited(v) { $0["userIds"] = Array(100..<(100 + users)) }),
            ckptCase("optimizer state of the wrong shape", try edited(v) { json in
                var s = json["optimizerSlots"] as! [[[Int]]]
                s[0] = [[1, 1]]
                json["optimizerSlots"] = s
            }),
            ckptCase("optimizer state for too few parameters", try edited(v) { json in json["optimizerSlots"] = Array((json["optimizerSlots"] as! [Any]).dropLast()) }),
            ckptCase("another optimizer's state", try edited(v) { $0["optimizer"] = "Adam" }),
            ckptCase("a training event out of range", outOfRange),
            ckptCase("UTF-16 text", MalformedCorpusTests.utf16("RECCKPT1\n{}\n")),
        ]
    }
}
