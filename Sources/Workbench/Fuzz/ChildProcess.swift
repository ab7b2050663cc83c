import Foundation
#if canImport(Glibc)
import Glibc
#endif

struct FuzzError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

/// A child process with its stdin on one pipe and its stdout and stderr merged on another
/// (so their order is kept), both parent ends non-blocking, and its address space capped.
final class ChildProcess {
    let pid: pid_t
    private(set) var input: Int32
    let output: Int32

    /// Pipes are made and the child spawned under one lock, so that no other child started
    /// at the same time inherits this one's pipe ends (which would keep its stdin open).
    static let spawnLock = NSLock()

    /// Starts `executable` in `directory` (through /bin/sh, which sets the memory cap first).
    init(executable: String, arguments: [String], directory: String, environment: [String: String], memoryLimit: Int) throws {
        Self.spawnLock.lock()
        defer { Self.spawnLock.unlock() }
        var toChild: [Int32] = [-1, -1], fromChild: [Int32] = [-1, -1]
        guard pipe(&toChild) == 0 else { throw FuzzError("cannot make a pipe (errno \(errno))") }
        guard pipe(&fromChild) == 0 else {
            close(toChild[0]); close(toChild[1])
            throw FuzzError("cannot make a pipe (errno \(errno))")
        }
        for fd in toChild + fromChild { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        let script = "cd \"$1\" && ulimit -v \"$2\" && shift 2 && exec \"$@\""
        let argv = ["/bin/sh", "-c", script, "rec-fuzz-child", directory, String(memoryLimit / 1024), executable] + arguments
        var pid: pid_t = 0
        let rc = Self.spawn(&pid, argv, environment, stdin: toChild[0], stdout: fromChild[1])
        close(toChild[0])
        close(fromChild[1])
        guard rc == 0 else {
            close(toChild[1]); close(fromChild[0])
            throw FuzzError("cannot start \(executable): \(String(cString: strerror(rc)))")
        }
        self.pid = pid
        input = toChild[1]
        output = fromChild[0]
        _ = fcntl(input, F_SETFL, O_NONBLOCK)
        _ = fcntl(output, F_SETFL, O_NONBLOCK)
    }

    /// posix_spawn with stdin from one descriptor, stdout and stderr to another, and default
    /// signal handling (the harness ignores SIGPIPE; the child must not inherit that).
    static func spawn(_ pid: inout pid_t, _ argv: [String], _ environment: [String: String], stdin: Int32, stdout: Int32) -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdin, 0)
        posix_spawn_file_actions_adddup2(&actions, stdout, 1)
        posix_spawn_file_actions_adddup2(&actions, stdout, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t(), defaults = sigset_t()
        sigemptyset(&none)
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGINT)
        sigaddset(&defaults, SIGPIPE)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let args = argv.map { strdup($0) }
        let envp = environment.map { strdup("\($0.key)=\($0.value)") }
        defer { (args + envp).forEach { free($0) } }
        return posix_spawn(&pid, argv[0], &actions, &attributes, args + [nil], envp + [nil])
    }

    func closeInput() {
        if input >= 0 { close(input) }
        input = -1
    }

    func signal(_ s: Int32) { _ = kill(pid, s) }

    /// The raw wait status once the child has exited (reaped without blocking), else nil.
    private(set) var status: Int32?

    func poll() -> Int32? {
        if status == nil {
            var s: Int32 = 0
            if waitpid(pid, &s, WNOHANG) == pid { status = s }
        }
        return status
    }

    /// Waits for the exit; the raw wait status.
    func wait() -> Int32 {
        if status == nil {
            var s: Int32 = 0
            while waitpid(pid, &s, 0) < 0 && errno == EINTR {}
            status = s
        }
        closeInput()
        close(output)
        return status ?? 0
    }

    static func signalName(_ s: Int32) -> String {
        let names: [Int32: String] = [SIGILL: "SIGILL", SIGSEGV: "SIGSEGV", SIGABRT: "SIGABRT", SIGBUS: "SIGBUS",
                                      SIGFPE: "SIGFPE", SIGKILL: "SIGKILL", SIGTRAP: "SIGTRAP", SIGINT: "SIGINT",
                                      SIGTERM: "SIGTERM", SIGPIPE: "SIGPIPE"]
        return names[s] ?? "signal \(s)"
    }
}
