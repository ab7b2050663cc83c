#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Model

/// A synthetic dataset in ML-20M's own format (`ratings.csv` with its header, sorted by user,
/// and `movies.csv`), with the shape of scripts/make-ml20m-shape: movie ids spread sparsely up
/// to about 4.9 × the number of movies, Zipf-like popularity, log-normal user activity, no
/// user rating a movie twice, ratings 0.5…5 in halves written as `4.5`, timestamps in
/// ML-20M's range. For `rec bench scale`: nothing is downloaded.
struct SyntheticRatingsFile {
    let users: Int, movies: Int, ratings: Int

    func write(to directory: String, seed: UInt64) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let rng = RandomSource(seed: seed)
        let ids = movieIds(rng)
        var text = "movieId,title,genres\n"
        for id in ids { text += "\(id),\"Movie \(id), The (1999)\",Drama|Comedy\n" }
        try text.write(toFile: directory + "/movies.csv", atomically: true, encoding: .utf8)
        let sampler = CategoricalSampler(weights: (0..<movies).map { 1 / powf(Float($0) + 10, 0.9) })
        var lastUser = [Int32](repeating: -1, count: movies)
        let out = try Writer(directory + "/ratings.csv")
        out.text("userId,movieId,rating,timestamp\n")
        for (user, count) in perUser(rng).enumerated() {
            for _ in 0..<count {
                var movie = sampler.sample(rng)
                while lastUser[movie] == Int32(user) { movie = sampler.sample(rng) }  // no repeats
                lastUser[movie] = Int32(user)
                out.number(user + 1, then: ",")
                out.number(ids[movie], then: ",")
                let halves = 1 + rng.below(10)
                out.number(halves / 2, then: ".")
                out.number(halves % 2 * 5, then: ",")
                out.number(789_652_009 + rng.below(638_131_993), then: "\n")
            }
        }
        try out.close()
    }

    /// `movies` distinct ids, sorted, drawn from 1…(movies × 131262 / 26744), as ML-20M's are.
    func movieIds(_ rng: RandomSource) -> [Int] {
        var pool = Array(1...Swift.max(movies, movies * 131_262 / 26_744))
        for k in 0..<movies { pool.swapAt(k, k + rng.below(pool.count - k)) }
        return pool.prefix(movies).sorted()
    }

    /// Ratings per user: log-normal activity scaled to `ratings` in all, each user between one
    /// and an eighth of the movies (so that drawing without repeats stays quick).
    func perUser(_ rng: RandomSource) -> [Int] {
        let activity = (0..<users).map { _ in Double(expf(rng.normal())) }
        let total = activity.reduce(0, +), cap = Swift.max(1, movies / 8)
        var counts = activity.map { Swift.min(cap, Swift.max(1, Int(($0 / total * Double(ratings)).rounded()))) }
        var missing = ratings - counts.reduce(0, +), user = 0
        while missing != 0 && users * cap >= ratings {  // spread the rounding over the users
            let step = missing > 0 ? 1 : -1
            if counts[user] + step >= 1 && counts[user] + step <= cap { counts[user] += step; missing -= step }
            user = (user + 1) % users
        }
        return counts
    }

    /// Buffered writing of ASCII numbers and text.
    final class Writer {
        private let file: UnsafeMutablePointer<FILE>
        private let path: String
        private var buffer: [UInt8] = []

        init(_ path: String) throws {
            guard let f = fopen(path, "w") else { throw DataError(file: path, "cannot be written") }
            file = f
            self.path = path
            buffer.reserveCapacity(1 << 22)
        }

        func text(_ s: String) { buffer += Array(s.utf8) }

        /// A whole number ≥ 0 in decimal, then one separator byte.
        func number(_ n: Int, then separator: Unicode.Scalar) {
            var divisor = 1
            while divisor <= n / 10 { divisor *= 10 }
            repeat {
                buffer.append(UInt8(48 + n / divisor % 10))
                divisor /= 10
            } while divisor > 0
            buffer.append(UInt8(ascii: separator))
            if buffer.count >= 1 << 22 { flush() }
        }

        private func flush() {
            buffer.withUnsafeBytes { _ = fwrite($0.baseAddress, 1, $0.count, file) }
            buffer.removeAll(keepingCapacity: true)
        }

        func close() throws {
            flush()
            guard fclose(file) == 0 else { throw DataError(file: path, "could not be written completely") }
        }
    }
}
