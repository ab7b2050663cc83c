import CEditLine
import Foundation

/// The prompt's keys, read for libedit: one character (UTF-8 decoded) per call, or -1 when the
/// read ends — at the end of input, or when Ctrl-C woke the reader. libedit's own reader ends
/// a read on Ctrl-C only when the signal interrupts the reading thread, and its signal handler
/// re-sends the signal to the whole process group; polling the terminal beside the interrupt
/// pipe ends the read whichever thread takes the signal.
enum KeyReader {
    /// `Interrupts.presses` when the current read began.
    nonisolated(unsafe) private static var pressesAtStart: sig_atomic_t = 0

    /// Starts a read: wake-ups from while a statement ran were dealt with there, and libedit
    /// sets the terminal up and measures it afresh at the start of every read.
    static func begin() {
        Interrupts.drain()
        (Interrupts.continued, Interrupts.resized) = (0, 0)
        pressesAtStart = Interrupts.presses
    }

    static let read: @convention(c) (UnsafeMutablePointer<FILE>?) -> Int32 = { _ in
        guard let first = KeyReader.nextByte() else { return -1 }
        let length = first < 0x80 ? 1 : first >= 0xF0 ? 4 : first >= 0xE0 ? 3 : first >= 0xC0 ? 2 : 0
        guard length > 1 else { return length == 1 ? Int32(first) : 0xFFFD }
        // The rest of a multibyte character follows at once; it is not waited for beside Ctrl-C.
        var scalar = UInt32(first) & (0xFF >> (length + 1))
        for _ in 1..<length {
            var byte: UInt8 = 0
            guard Glibc.read(STDIN_FILENO, &byte, 1) == 1, byte & 0xC0 == 0x80 else { return 0xFFFD }
            scalar = scalar << 6 | UInt32(byte & 0x3F)
        }
        return Unicode.Scalar(scalar) != nil ? Int32(scalar) : 0xFFFD
    }

    /// The next byte typed, or nil at the end of input or when Ctrl-C was pressed.
    private static func nextByte() -> UInt8? {
        while true {
            var fds = (pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: Interrupts.wakeRead, events: Int16(POLLIN), revents: 0))
            let ready = withUnsafeMutableBytes(of: &fds) { raw in
                poll(raw.baseAddress!.assumingMemoryBound(to: pollfd.self), Interrupts.wakeRead >= 0 ? 2 : 1, -1)
            }
            if ready < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if fds.1.revents != 0 {
                Interrupts.drain()
                if Interrupts.presses != KeyReader.pressesAtStart { return nil }
                if Interrupts.continued != 0 {
                    // Back from Ctrl-Z: the shell left its own modes; libedit believes its own are set.
                    Interrupts.continued = 0
                    rl_deprep_terminal()
                    rl_prep_terminal(0)
                    rl_forced_update_display()
                }
                if Interrupts.resized != 0 {
                    // As libedit did: the new width applies from the next key (a redraw now
                    // would repeat a line the terminal has just rewrapped).
                    Interrupts.resized = 0
                    rl_resize_terminal()
                }
            }
            if fds.0.revents != 0 {
                var byte: UInt8 = 0
                let n = Glibc.read(STDIN_FILENO, &byte, 1)
                if n == 1 { return byte }
                if n < 0 && (errno == EINTR || errno == EAGAIN) { continue }
                return nil
            }
        }
    }
}

/// Keys typed while a statement runs wait, unechoed, for the next prompt, which shows them on
/// its line: echoed by the terminal as they came, they landed in the statement's output and
/// libedit then drew the prompt over them. The terminal's modes on entry come back at exit.
enum TypeAhead {
    nonisolated(unsafe) private static var original: termios?

    static func install() {
        var modes = termios()
        guard original == nil, tcgetattr(STDIN_FILENO, &modes) == 0 else { return }
        original = modes
        atexit { TypeAhead.restore() }
    }

    /// Stops echoing until libedit's next read sets the terminal up again.
    static func hold() {
        var modes = termios()
        guard original != nil, tcgetattr(STDIN_FILENO, &modes) == 0 else { return }
        modes.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(STDIN_FILENO, TCSANOW, &modes)
    }

    static func restore() {
        guard var modes = original else { return }
        tcsetattr(STDIN_FILENO, TCSANOW, &modes)
    }
}
