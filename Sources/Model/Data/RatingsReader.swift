import Foundation

/// Reads a ratings file of any of the three layouts: chunks of the file parsed side by side on
/// `threads` workers, then merged in file order. Users are numbered in the order they first
/// appear in the file, and a bad line is reported at its `file:line`, exactly as a one-thread
/// read does; only the time differs. The positive events (rating at or above the threshold)
/// are gathered in the same pass. The monitor hears before every batch of chunks, on the
/// calling thread, and can stop the read there (Ctrl-C).
struct RatingsReader {
    struct Options: Sendable {
        var threads: Int
        /// Bytes per chunk: small enough that Ctrl-C is heard quickly and the chunks in hand
        /// stay small, large enough that starting a chunk costs nothing. Tests use a few bytes,
        /// to put chunk boundaries everywhere.
        var chunkBytes = 1 << 20

        /// `threads` beyond the cores only wait for each other: clamped to them (tests ask for
        /// more through `init(exactly:)`, to see the merge put many workers' chunks in order).
        init(threads: Int = BLAS.threads, chunkBytes: Int = 1 << 20) {
            self.init(exactly: Swift.min(threads, Limits.cores), chunkBytes: chunkBytes)
        }

        init(exactly threads: Int, chunkBytes: Int) {
            self.threads = Swift.max(1, threads)
            self.chunkBytes = Swift.max(1, chunkBytes)
        }
    }

    struct Result {
        var users = IdMap()
        var ratings = Events()
        var positives = Events()
    }

    let layout: RatingLayout
    let items: ItemIndex
    let options: Options
    let monitor: (any ProgressMonitor)?

    func read(_ path: String, positive: Float) throws -> Result {
        let file = try ChunkedFile(path)
        let chunks = file.chunkCount(options.chunkBytes)
        let threads = Swift.max(1, Swift.min(options.threads, chunks))
        let parsers = (0..<threads).map { _ in RatingChunkParser(layout: layout, items: items) }
        let buffers = (0..<threads).map { _ in ByteBuffer() }
        // Batches of a few chunks per worker: Ctrl-C is heard between batches, and the slots
        // in hand stay a few megabytes whatever the file's size. Two sets of slots: while one
        // batch is parsed into one set, the batch before it is merged from the other, by
        // whichever worker takes that task first (the merge is in order; the parsing is not).
        let perBatch = Swift.min(chunks, threads * 4), batches = (chunks + perBatch - 1) / perBatch
        let sets = (0..<2).map { _ in (0..<perBatch).map { _ in ParsedChunk() } }
        var merger = Merger(file: file)
        var failure: (any Error)?, merged = 0
        for b in 0...batches {
            try monitor?.advance(Double(merged) / Double(file.size), "reading \(file.name)")
            let first = b * perBatch, parsing = b < batches ? Swift.min(perBatch, chunks - first) : 0
            let merging = b > 0 ? Array(sets[(b - 1) % 2].prefix(Swift.min(perBatch, chunks - first + perBatch))) : []
            let merges = merging.isEmpty ? 0 : 1
            Parallel.run(tasks: merges + parsing, threads: threads) { worker, task in
                guard task >= merges else {
                    do { for chunk in merging { try merger.take(chunk) } } catch { failure = error }
                    return
                }
                parse(chunk: first + task - merges, of: file, parser: parsers[worker], buffer: buffers[worker], positive: positive,
                      into: sets[b % 2][task - merges])
            }
            if let failure { throw failure }
            merged = merging.last?.end ?? merged
        }
        return merger.result
    }

    private func parse(chunk k: Int, of file: ChunkedFile, parser: RatingChunkParser, buffer: ByteBuffer, positive: Float,
                       into slot: ParsedChunk) {
        slot.end = Swift.min(file.dataStart + (k + 1) * options.chunkBytes, file.size)
        do {
            let bytes = try file.chunk(k, of: options.chunkBytes, into: buffer)
            parser.parse(bytes, firstChunk: k == 0, positive: positive, into: slot)
            slot.bytes = bytes.count
        } catch {
            slot.reset(room: 0)
            slot.failure = (nil, (error as? DataError)?.message ?? "\(error)")
        }
    }

    /// Puts the chunks together in file order: chunk-local user numbers become the file's,
    /// line numbers run on from chunk to chunk, and the first failure stops the read.
    struct Merger {
        let file: ChunkedFile
        var result = Result()
        private var linesBefore = 0

        init(file: ChunkedFile) { self.file = file }

        mutating func take(_ chunk: ParsedChunk) throws {
            if let failure = chunk.failure {
                throw DataError(file: file.path, line: failure.line.map { linesBefore + $0 }, failure.message)
            }
            linesBefore += chunk.lines
            guard chunk.all.count > 0 else { return }
            if result.ratings.isEmpty { reserve(like: chunk) }
            let numbers = chunk.userIds.map { result.users.intern($0) }
            numbers.withUnsafeBufferPointer { numbers in
                chunk.all.move(to: &result.ratings, numbering: numbers)
                chunk.positives.move(to: &result.positives, numbering: numbers)
            }
        }

        /// Room for the whole file as the first chunk suggests, with a quarter to spare
        /// (reserved, not touched: a generous guess costs address space only, and growth by
        /// doubling takes over past it).
        private mutating func reserve(like chunk: ParsedChunk) {
            let perByte = Double(chunk.all.count) / Double(Swift.max(1, chunk.bytes))
            let positives = Double(chunk.positives.count) / Double(chunk.all.count)
            let total = Swift.min(file.size / 8 + 1, Int(perByte * Double(file.size) * 1.25) + 1024)
            result.ratings.reserve(total)
            result.positives.reserve(Swift.min(total, Int(Double(total) * positives * 1.05) + 1024))
        }
    }
}
