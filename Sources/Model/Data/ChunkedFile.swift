import Foundation

/// A text file read in chunks that begin and end at line starts, so that workers can parse
/// them side by side: chunk k owns every line that starts in its nominal byte range
/// `[dataStart + k·size, dataStart + (k+1)·size)`. Nothing but the chunks in hand is in
/// memory. Opening refuses what `TextFile` refuses, with its words: a missing file, a
/// directory, UTF-16 text, a file with nothing but blank lines; a UTF-8 byte-order mark is
/// skipped.
final class ChunkedFile: @unchecked Sendable {  // only pread touches the descriptor: safe to share
    let path: String
    let size: Int
    /// Where the text starts: after a byte-order mark, if any.
    let dataStart: Int
    private let fd: Int32

    init(_ path: String) throws {
        try TextFile.checkIsFile(path)
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw TextFile.unreadable(path) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { close(fd); throw TextFile.unreadable(path) }
        var head = [UInt8](repeating: 0, count: Swift.min(3, Int(info.st_size)))
        do {
            try head.withUnsafeMutableBufferPointer { try Self.read(fd, path, at: 0, count: $0.count, into: $0.baseAddress!) }
        } catch {
            close(fd)
            throw error
        }
        self.fd = fd
        self.path = path
        size = Int(info.st_size)
        dataStart = head.starts(with: TextFile.byteOrderMark) ? 3 : 0
        if TextFile.isUTF16(head) { throw DataError(file: path, TextFile.utf16Message) }
        guard try firstContent() != nil else { throw DataError(file: path, "is empty") }
    }

    deinit { close(fd) }

    var name: String { (path as NSString).lastPathComponent }

    /// How many chunks of `chunkBytes` the text makes.
    func chunkCount(_ chunkBytes: Int) -> Int { (size - dataStart + chunkBytes - 1) / chunkBytes }

    /// Reads chunk `k` into `buffer` and returns its bytes there. The lines it holds all end in
    /// a line feed: when the file's last line has none, one is written after it (the buffer
    /// always has a byte to spare), so that a parser can run to each `\n` without bounds checks.
    func chunk(_ k: Int, of chunkBytes: Int, into buffer: ByteBuffer) throws -> UnsafeBufferPointer<UInt8> {
        let low = dataStart + k * chunkBytes, high = Swift.min(low + chunkBytes, size)
        let from = k == 0 ? low : low - 1  // the byte before tells whether a line starts at `low`
        var length = high - from
        buffer.reserve(length + 1)
        try read(at: from, count: length, into: buffer.base)
        var start = 0
        if k > 0 {
            // The first line starting at or after `low`; none before `high`: the chunk is empty.
            guard let newline = memchr(buffer.base, 10, length - 1) else { return UnsafeBufferPointer(start: buffer.base, count: 0) }
            start = buffer.base.distance(to: newline.assumingMemoryBound(to: UInt8.self)) + 1
        }
        if high < size && buffer.base[length - 1] != 10 { length = try extendToLineEnd(buffer, from: from, readUpTo: high) }
        if from + length == size && buffer.base[length - 1] != 10 {
            buffer.base[length] = 10  // the last line has no line feed: lend it one
            length += 1
        }
        return UnsafeBufferPointer(start: buffer.base + start, count: length - start)
    }

    /// Reads on past `readUpTo` until the line that crosses it ends (or the file does); returns
    /// the buffer's new length.
    private func extendToLineEnd(_ buffer: ByteBuffer, from: Int, readUpTo: Int) throws -> Int {
        var position = readUpTo, block = 256
        while position < size {
            let n = Swift.min(block, size - position), at = position - from
            buffer.reserve(at + n + 1)
            try read(at: position, count: n, into: buffer.base + at)
            if let newline = memchr(buffer.base + at, 10, n) {
                return buffer.base.distance(to: newline.assumingMemoryBound(to: UInt8.self)) + 1
            }
            position += n
            block = Swift.min(block * 4, 1 << 20)
        }
        return size - from
    }

    /// The offset of the first byte that is not a line end or a space, or nil.
    private func firstContent() throws -> Int? {
        let block = 1 << 16
        let scratch = UnsafeMutablePointer<UInt8>.allocate(capacity: block)
        defer { scratch.deallocate() }
        var position = dataStart
        while position < size {
            let n = Swift.min(block, size - position)
            try read(at: position, count: n, into: scratch)
            for k in 0..<n where !TextFile.isBlank(scratch[k]) { return position + k }
            position += n
        }
        return nil
    }

    /// Exactly `count` bytes from `offset`; a read error or a file that shrank is a DataError.
    func read(at offset: Int, count: Int, into destination: UnsafeMutablePointer<UInt8>) throws {
        try Self.read(fd, path, at: offset, count: count, into: destination)
    }

    private static func read(_ fd: Int32, _ path: String, at offset: Int, count: Int, into destination: UnsafeMutablePointer<UInt8>) throws {
        var done = 0
        while done < count {
            let n = pread(fd, destination + done, count - done, off_t(offset + done))
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                throw DataError(file: path, n == 0 ? "became shorter while being read" : "cannot be read: " + String(cString: strerror(errno)))
            }
            done += n
        }
    }
}

/// A growable byte buffer a worker reuses chunk after chunk.
final class ByteBuffer {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var capacity: Int

    init(capacity: Int = 1 << 16) {
        self.capacity = capacity
        base = .allocate(capacity: capacity)
    }

    deinit { base.deallocate() }

    /// Room for `count` bytes, keeping what the buffer holds.
    func reserve(_ count: Int) {
        guard count > capacity else { return }
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: Swift.max(count, capacity * 2))
        bigger.update(from: base, count: capacity)
        base.deallocate()
        base = bigger
        capacity = Swift.max(count, capacity * 2)
    }
}
