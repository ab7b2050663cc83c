import Foundation
import XCTest
@testable import Model

/// A write aimed at a device or a named pipe goes through it and leaves it in place: renaming a
/// new file over `/dev/null` (what an atomic write does to a regular file) deleted the device
/// node when rec ran as root — a fuzz run's `save(…, "/dev/null")` did, and every later `tmux`
/// on the machine failed. A socket is refused, and so is a directory write onto any of them.
final class SpecialFileTargetTests: XCTestCase {
    var dir = ""

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "rec-special-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: dir) }

    func kind(_ path: String) -> mode_t? {
        var s = stat()
        return lstat(path, &s) == 0 ? s.st_mode & S_IFMT : nil
    }

    /// Through a link to /dev/null, so that a write that replaced its target would replace the
    /// link (in this test's directory), never the machine's /dev/null.
    func testAWriteToADeviceGoesThroughIt() throws {
        var device = stat()
        guard stat("/dev/null", &device) == 0, device.st_mode & S_IFMT == S_IFCHR else { throw XCTSkip("no /dev/null device") }
        let link = dir + "/null"
        XCTAssertEqual(symlink("/dev/null", link), 0)
        try AtomicFile.write([1, 2, 3], to: link)
        XCTAssertEqual(kind(link), S_IFLNK, "the link is still there")
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: link), "/dev/null")
        XCTAssertEqual(kind("/dev/null"), S_IFCHR)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["null"], "no temporary left beside it")
    }

    func testAWriteToANamedPipeReachesItsReader() throws {
        let fifo = dir + "/pipe"
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        let received = expectation(description: "read")
        final class Received: @unchecked Sendable { var bytes: [UInt8] = [] }  // the reader's until it ends
        let got = Received()
        let reader = Thread {
            let fd = open(fifo, O_RDONLY)
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let n = read(fd, &buffer, buffer.count)
                if n <= 0 { break }
                got.bytes += buffer[0..<n]
            }
            close(fd)
            received.fulfill()
        }
        reader.start()
        // The reader opens the pipe when it starts: until then a write finds nobody reading.
        let bytes = (0..<200_000).map { UInt8($0 % 251) }
        var written = false
        for _ in 0..<500 where !written {
            do {
                try AtomicFile.write(bytes, to: fifo)
                written = true
            } catch let e as DataError where e.message.contains("no program is reading") {
                Thread.sleep(forTimeInterval: 0.01)
            }
        }
        XCTAssertTrue(written)
        wait(for: [received], timeout: 10)
        XCTAssertEqual(got.bytes, bytes)
        XCTAssertEqual(kind(fifo), S_IFIFO)
    }

    func testAPipeNobodyReadsIsAnErrorNotAWait() throws {
        let fifo = dir + "/pipe"
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        XCTAssertThrowsError(try AtomicFile.write([1], to: fifo)) {
            XCTAssertEqual(($0 as? DataError)?.message, "cannot be written: it is a named pipe that no program is reading")
        }
        XCTAssertEqual(kind(fifo), S_IFIFO)
    }

    func testASocketIsRefusedAndADirectoryIsNotWrittenOntoAPipe() throws {
        let socketPath = dir + "/sock"
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, b) in socketPath.utf8.prefix(raw.count - 1).enumerated() { raw[i] = b }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        XCTAssertEqual(bound, 0)
        XCTAssertThrowsError(try AtomicFile.write([1], to: socketPath)) {
            XCTAssertEqual(($0 as? DataError)?.message, "cannot be written: it is a socket, not a file")
        }
        XCTAssertEqual(kind(socketPath), S_IFSOCK)
        let fifo = dir + "/pipe"
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        XCTAssertThrowsError(try AtomicFile.replaceDirectory(fifo) { _ in }) {
            XCTAssertEqual(($0 as? DataError)?.message, "cannot be written: it is a named pipe, not a directory")
        }
        XCTAssertEqual(kind(fifo), S_IFIFO)
    }
}
