import Foundation

/// Messages the execution thread hands to the I/O thread, which alone uses the sockets
/// (ZeroMQ sockets are not thread-safe). A byte on a pipe wakes the I/O thread's poll.
final class Outbox: @unchecked Sendable {
    enum Channel: Sendable { case shell, iopub }
    private let lock = NSLock()
    private var pending: [(Channel, Message)] = []
    let readEnd: Int32
    private let writeEnd: Int32

    init() throws {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw CommandError("cannot create a pipe: " + String(cString: strerror(errno))) }
        (readEnd, writeEnd) = (fds[0], fds[1])
        // Neither end blocks: a full pipe already holds a wake-up, and an empty one has none to read.
        for fd in fds { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
    }

    func post(_ channel: Channel, _ m: Message) {
        lock.withLock { pending.append((channel, m)) }
        var byte: UInt8 = 1
        _ = write(writeEnd, &byte, 1)
    }

    /// Everything posted so far, in order (called by the I/O thread when the pipe is readable).
    func drain() -> [(Channel, Message)] {
        var buffer = [UInt8](repeating: 0, count: 256)
        while read(readEnd, &buffer, buffer.count) > 0 {}
        return lock.withLock {
            defer { pending = [] }
            return pending
        }
    }
}
