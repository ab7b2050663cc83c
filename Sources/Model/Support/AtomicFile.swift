import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes that a kill at any moment cannot leave half done: a file or a directory is written
/// under a hidden temporary name beside its target (`.NAME.rec-tmp-PID-N`) and renamed into
/// place. A temporary left by a killed process is removed by the next write beside it.
///
/// A path that names a device or a named pipe (`/dev/null`, `/dev/stdout`, a fifo) is written
/// through, never replaced: renaming a file over it would delete the device node (as root, in a
/// container, `/dev/null` itself). A socket or a block device is refused.
public enum AtomicFile {
    /// Replaces (or creates) the file at `path` with `bytes`.
    public static func write(_ bytes: [UInt8], to path: String) throws {
        try write(to: path) { emit in try bytes.withUnsafeBytes { try emit($0) } }
    }

    /// Replaces (or creates) the file at `path` with the pieces `produce` hands to `emit`, in
    /// order: a file of a few GB need not be held in memory whole (`NPY.write`).
    public static func write(to path: String, _ produce: (_ emit: (UnsafeRawBufferPointer) throws -> Void) throws -> Void) throws {
        switch special(path) {
        case .some(S_IFCHR), .some(S_IFIFO): return try writeThrough(to: path, produce)
        case .some(let kind): throw DataError(file: path, "cannot be written: it is \(name(of: kind)), not a file")
        case nil: break
        }
        removeStale(beside: path)
        let temporary = temporaryPath(for: path)
        do {
            try writeNew(to: temporary, reportAs: path, produce)
            guard rename(temporary, path) == 0 else { throw failure(path, errno) }
        } catch {
            unlink(temporary)
            throw error
        }
    }

    /// Replaces (or creates) the directory at `path` with one that `fill` writes (it gets the
    /// temporary directory's path). Either the old directory or the new one is at `path` at
    /// every moment: the two are exchanged in one step where the system can (Linux), else
    /// the old one is moved aside first and put back by the next write if a kill intervenes.
    public static func replaceDirectory(_ path: String, fill: (String) throws -> Void) throws {
        if let kind = special(path) {
            throw DataError(file: path, "cannot be written: it is \(name(of: kind)), not a directory")
        }
        removeStale(beside: path)
        let temporary = temporaryPath(for: path)
        guard mkdir(temporary, 0o755) == 0 else { throw failure(path, errno) }
        do {
            try fill(temporary)
            // The directory it replaces keeps its permissions (a shared folder's group bits).
            var existing = stat()
            if stat(path, &existing) == 0 && (existing.st_mode & S_IFMT) == S_IFDIR { chmod(temporary, existing.st_mode & 0o7777) }
            try swapIn(temporary, at: path)
        } catch {
            removeTree(temporary)
            throw error
        }
    }

    /// Bytes into a file that must not exist yet, flushed to the disk.
    static func writeNew(_ bytes: [UInt8], to path: String, reportAs shown: String) throws {
        try writeNew(to: path, reportAs: shown) { emit in try bytes.withUnsafeBytes { try emit($0) } }
    }

    static func writeNew(to path: String, reportAs shown: String,
                         _ produce: (_ emit: (UnsafeRawBufferPointer) throws -> Void) throws -> Void) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw failure(shown, errno) }
        defer { close(fd) }
        try writeAll(fd, reportAs: shown, produce)
        guard fsync(fd) == 0 else { throw failure(shown, errno) }
    }

    /// Into a device or a named pipe as it is: no temporary, no rename, no fsync (a device
    /// need not have one). A pipe nobody reads is an error, not a wait that Ctrl-C cannot end.
    private static func writeThrough(to path: String,
                                     _ produce: (_ emit: (UnsafeRawBufferPointer) throws -> Void) throws -> Void) throws {
        let fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENXIO { throw DataError(file: path, "cannot be written: it is a named pipe that no program is reading") }
            throw failure(path, errno)
        }
        defer { close(fd) }
        // Opened without waiting for a reader; written with waits, as a pipe's writer does.
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        // A reader that goes away makes the write fail with EPIPE and raise SIGPIPE, whose default
        // ends the process (the whole session): held back on this thread, and taken if raised.
        var pipeSignal = sigset_t(), saved = sigset_t()
        sigemptyset(&pipeSignal)
        sigaddset(&pipeSignal, SIGPIPE)
        pthread_sigmask(SIG_BLOCK, &pipeSignal, &saved)
        defer {
            var pending = sigset_t()
            sigpending(&pending)
            if sigismember(&pending, SIGPIPE) == 1 {
                var now = timespec()
                _ = sigtimedwait(&pipeSignal, nil, &now)
            }
            pthread_sigmask(SIG_SETMASK, &saved, nil)
        }
        try writeAll(fd, reportAs: path, produce)
    }

    /// A path that exists and is neither a regular file nor a directory (its kind, `S_IFMT` bits,
    /// after links are followed), else nil.
    private static func special(_ path: String) -> mode_t? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        let kind = status.st_mode & S_IFMT
        return kind == S_IFREG || kind == S_IFDIR ? nil : kind
    }

    private static func name(of kind: mode_t) -> String {
        switch kind {
        case S_IFCHR: return "a device"
        case S_IFIFO: return "a named pipe"
        case S_IFSOCK: return "a socket"
        case S_IFBLK: return "a block device"
        default: return "not a regular file"
        }
    }

    private static func writeAll(_ fd: Int32, reportAs shown: String,
                                 _ produce: (_ emit: (UnsafeRawBufferPointer) throws -> Void) throws -> Void) throws {
        var started = false
        try produce { raw in
            var written = 0
            while written < raw.count {
                // In pieces of 64 MB with Ctrl-C looked at between them: a file of a few GB
                // takes seconds to write (the caller removes the temporary when stopped).
                if started { try Interruption.check() }
                started = true
                let n = systemWrite(fd, raw.baseAddress! + written, Swift.min(raw.count - written, 64 << 20))
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { throw failure(shown, errno) }
                written += n
            }
        }
    }

    private static func systemWrite(_ fd: Int32, _ p: UnsafeRawPointer, _ n: Int) -> Int {
        #if canImport(Glibc)
        return Glibc.write(fd, p, n)
        #else
        return Darwin.write(fd, p, n)
        #endif
    }

    private static func swapIn(_ temporary: String, at path: String) throws {
        var status = stat()
        guard lstat(path, &status) == 0 else {
            guard rename(temporary, path) == 0 else { throw failure(path, errno) }
            return
        }
        if exchange(temporary, path) {
            removeTree(temporary)  // now the old directory
            return
        }
        let aside = asidePath(for: path)
        guard rename(path, aside) == 0 else { throw failure(path, errno) }
        guard rename(temporary, path) == 0 else {
            let code = errno
            rename(aside, path)
            throw failure(path, code)
        }
        removeTree(aside)
    }

    /// `renameat2(…, RENAME_EXCHANGE)`: swaps two paths in one step (Linux ≥ 3.15; not every
    /// file system). Looked up at run time because the C library module does not export it.
    private static func exchange(_ a: String, _ b: String) -> Bool {
        #if os(Linux)
        typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32
        guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "renameat2") else { return false }
        let renameat2 = unsafeBitCast(symbol, to: RenameAt2.self)
        return renameat2(AT_FDCWD, a, AT_FDCWD, b, 2 /* RENAME_EXCHANGE */) == 0
        #else
        return false
        #endif
    }

    // MARK: temporary names

    static let temporaryMarker = ".rec-tmp-"
    static let asideMarker = ".rec-old-"
    nonisolated(unsafe) private static var counter = 0
    private static let counterLock = NSLock()

    private static func hidden(_ path: String, _ marker: String) -> String {
        let url = URL(fileURLWithPath: path)
        counterLock.lock()
        counter += 1
        let n = counter
        counterLock.unlock()
        return url.deletingLastPathComponent().appendingPathComponent("." + url.lastPathComponent + marker + "\(getpid())-\(n)").path
    }

    static func temporaryPath(for path: String) -> String { hidden(path, temporaryMarker) }
    static func asidePath(for path: String) -> String { hidden(path, asideMarker) }

    /// Removes what killed writers left beside `path`: their temporaries, and an old directory
    /// moved aside (put back first if nothing took its place).
    static func removeStale(beside path: String) {
        let url = URL(fileURLWithPath: path)
        let parent = url.deletingLastPathComponent().path, name = url.lastPathComponent
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: parent) else { return }
        for entry in entries.sorted() {
            for marker in [temporaryMarker, asideMarker] where entry.hasPrefix("." + name + marker) {
                let rest = entry.dropFirst(name.count + 1 + marker.count)
                guard let pid = Int32(rest.prefix { $0 != "-" }), !isAlive(pid) else { continue }
                let stale = (parent as NSString).appendingPathComponent(entry)
                var status = stat()
                if marker == asideMarker && lstat(path, &status) != 0 && rename(stale, path) == 0 { continue }
                removeTree(stale)
            }
        }
    }

    private static func isAlive(_ pid: Int32) -> Bool { pid == getpid() ? true : (kill(pid, 0) == 0 || errno == EPERM) }

    static func removeTree(_ path: String) { try? FileManager.default.removeItem(atPath: path) }

    /// The system's reason in rec's words.
    static func failure(_ path: String, _ code: Int32) -> DataError {
        let reason: String
        switch code {
        case EACCES, EPERM: reason = "permission denied"
        case ENOENT: reason = "its directory does not exist"
        case ENOTDIR: reason = "a part of the path is not a directory"
        case ENOSPC: reason = "the disk is full"
        case EDQUOT: reason = "the disk quota is used up"
        case EROFS: reason = "the file system is read-only"
        case EISDIR: reason = "it is a directory"
        case EPIPE: reason = "the program reading the pipe stopped reading"
        case ENAMETOOLONG: reason = "the name is too long"
        case EEXIST, ENOTEMPTY: reason = "something else was written there at the same moment"
        default: reason = "system error \(code)"
        }
        return DataError(file: path, "cannot be written: \(reason)")
    }
}
