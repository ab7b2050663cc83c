import Model

/// A corpus of any size with the statistics of real plots, for timing paragraph vectors
/// where the real plots are too small (ML-100K's are 43k words). Each document copies the
/// length and genres of a real plot drawn at random; each of its words comes, with
/// probability `genreShare`, from the unigram distribution of one of its genres (drawn
/// uniformly among them), else from the corpus-wide unigram distribution. `genreShare` is
/// estimated from the real plots by EM with each plot left out of the distributions it is
/// scored against (so that a plot does not explain itself). Seeded: the same corpus for the
/// same seed and size.
struct SyntheticPlots {
    let documents: [[String]]
    let genres: [[String]]
    let genreShare: Double

    init(real: [[String]], genres realGenres: [[String]], words: Int, seed: UInt64) throws {
        let stats = try UnigramStatistics(documents: real, genres: realGenres)
        genreShare = stats.estimateGenreShare()
        let rng = RandomSource(seed: seed)
        let threshold = UInt64((genreShare * 0x1p32).rounded())
        var docs: [[String]] = [], genres: [[String]] = [], total = 0
        while total < words {
            let template = rng.below(real.count)
            let own = stats.documentGenres[template]
            var doc: [String] = []
            doc.reserveCapacity(real[template].count)
            for _ in real[template].indices {
                let fromGenre = !own.isEmpty && (rng.next() >> 32) < threshold
                let table = fromGenre ? stats.genreTables[own[rng.below(own.count)]] : stats.globalTable
                doc.append(stats.words[table.draw(rng)])
            }
            total += doc.count
            docs.append(doc)
            genres.append(realGenres[template])
        }
        documents = docs
        self.genres = genres
    }
}

/// Word counts over the whole corpus and per genre, as cumulative tables to draw from.
private struct UnigramStatistics {
    var words: [String] = []
    var documentIds: [[Int]] = []
    var documentGenres: [[Int]] = []
    var globalCounts: [Int] = []
    var genreCounts: [[Int]] = []
    var globalTable: CumulativeTable
    var genreTables: [CumulativeTable]

    init(documents: [[String]], genres: [[String]]) throws {
        guard documents.count == genres.count, documents.contains(where: { !$0.isEmpty }) else {
            throw ModelError("synthetic plots", "no words to take statistics from")
        }
        var index = [String: Int](), genreIndex = [String: Int](), vocabulary: [String] = []
        let ids = documents.map { doc in doc.map { w in
            if let k = index[w] { return k }
            index[w] = vocabulary.count; vocabulary.append(w); return vocabulary.count - 1
        } }
        let genreIds = genres.map { gs in gs.map { g in
            if let k = genreIndex[g] { return k }
            genreIndex[g] = genreIndex.count; return genreIndex.count - 1
        } }
        (words, documentIds, documentGenres) = (vocabulary, ids, genreIds)
        globalCounts = [Int](repeating: 0, count: words.count)
        genreCounts = [[Int]](repeating: globalCounts, count: genreIndex.count)
        for (ids, gs) in zip(documentIds, documentGenres) {
            for w in ids {
                globalCounts[w] += 1
                for g in gs { genreCounts[g][w] += 1 }
            }
        }
        globalTable = CumulativeTable(globalCounts)
        genreTables = genreCounts.map(CumulativeTable.init)
    }

    /// The share of words drawn from a genre's distribution that maximises the likelihood of
    /// the real plots, each scored against counts without itself (EM on the mixture weight).
    func estimateGenreShare(iterations: Int = 100) -> Double {
        let genreTotals = genreCounts.map { $0.reduce(0, +) }, total = globalCounts.reduce(0, +)
        var pairs: [(genre: Double, global: Double)] = []
        for (ids, gs) in zip(documentIds, documentGenres) where !gs.isEmpty && !ids.isEmpty {
            var own = [Int: Int]()
            for w in ids { own[w, default: 0] += 1 }
            for w in ids {
                let rest = globalCounts[w] - own[w]!, restTotal = total - ids.count
                guard rest > 0, restTotal > 0 else { continue }
                let genre = gs.reduce(0.0) { sum, g in
                    let n = genreTotals[g] - ids.count
                    return sum + (n > 0 ? Double(genreCounts[g][w] - own[w]!) / Double(n) : 0)
                } / Double(gs.count)
                pairs.append((genre, Double(rest) / Double(restTotal)))
            }
        }
        guard !pairs.isEmpty else { return 0 }
        var share = 0.5
        for _ in 0..<iterations {
            let responsibility = pairs.reduce(0.0) { sum, p in
                sum + share * p.genre / (share * p.genre + (1 - share) * p.global)
            }
            share = responsibility / Double(pairs.count)
        }
        return share
    }
}

/// Draws an index in proportion to its count: a uniform integer below the total, found by
/// binary search in the running sums (exact, and the same on every machine).
private struct CumulativeTable {
    let sums: [Int]

    init(_ counts: [Int]) {
        var running = 0
        sums = counts.map { running += $0; return running }
    }

    func draw(_ rng: RandomSource) -> Int {
        let total = sums.last ?? 0
        guard total > 0 else { return 0 }
        let r = rng.below(total)
        var lo = 0, hi = sums.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if sums[mid] > r { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }
}
