import Foundation
import Lang
import Model

/// Ctrl-C sets the running session's cancel flag (checked between batches) and wakes the key
/// reader through a pipe, so that a read at the prompt ends too, whichever thread the signal
/// lands on. The handler only stores a flag and writes one byte (both async-signal-safe); it
/// captures nothing, so it reads what it needs from here.
enum Interrupts {
    /// The running session's cancel flag.
    nonisolated(unsafe) static var cancel: CancelFlag?
    /// The self-pipe: the handler writes to `wakeWrite`, the key reader polls `wakeRead`.
    nonisolated(unsafe) static var wakeRead: Int32 = -1
    nonisolated(unsafe) static var wakeWrite: Int32 = -1
    /// Ctrl-Cs so far: a read ends on one pressed since it began, not on a cancel flag left set
    /// by an interrupted statement (the step prompt reads with that flag still up).
    nonisolated(unsafe) static var presses: sig_atomic_t = 0
    /// Set by SIGCONT and SIGWINCH while the prompt reads: the key reader sets the terminal up
    /// again after a suspension (Ctrl-Z, fg) and tells libedit a new width.
    nonisolated(unsafe) static var continued: sig_atomic_t = 0
    nonisolated(unsafe) static var resized: sig_atomic_t = 0

    static func install(_ session: Session) {
        cancel = session.cancel
        if wakeRead < 0 {
            var ends: [Int32] = [-1, -1]
            if pipe(&ends) == 0 {
                for fd in ends {
                    _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
                    _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
                }
                (wakeRead, wakeWrite) = (ends[0], ends[1])
            }
        }
        handle(SIGINT) { _ in
            Interrupts.presses &+= 1
            Interrupts.cancel?.set()
            Interrupts.wake()
        }
    }

    /// The prompt's terminal signals (libedit handles none itself: see `KeyReader`).
    static func installTerminalSignals() {
        handle(SIGCONT) { _ in
            Interrupts.continued = 1
            Interrupts.wake()
        }
        handle(SIGWINCH) { _ in
            Interrupts.resized = 1
            Interrupts.wake()
        }
    }

    /// SA_RESTART: a signal during a statement must not make its file reads and writes fail;
    /// the prompt's read is woken by the pipe instead.
    private static func handle(_ signal: Int32, _ handler: @convention(c) (Int32) -> Void) {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = handler
        action.sa_flags = SA_RESTART
        sigemptyset(&action.sa_mask)
        sigaction(signal, &action, nil)
    }

    private static func wake() {
        guard wakeWrite >= 0 else { return }
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)
    }

    /// Empties the pipe of wake-ups from Ctrl-Cs already dealt with.
    static func drain() {
        guard wakeRead >= 0 else { return }
        var sink = [UInt8](repeating: 0, count: 64)
        while read(wakeRead, &sink, sink.count) > 0 {}
    }
}
