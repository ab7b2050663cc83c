import CEditLine
import Foundation
import Lang
import Model

/// `rec` with no subcommand: the prompt through libedit when stdin is a terminal, otherwise
/// statements read plainly from stdin with nothing but results and errors printed. Every way
/// statements enter (the prompt, piped lines, `:run`, `:step`) goes through one
/// `StatementReader` and one `execute`: the session runs the chunk, the console renders its
/// outputs, the log records it for `:history`, `:save` and `:export`.
final class Repl {
    let session: Session
    let console: Console
    let interactive: Bool
    var log = SessionLog()
    var timing = false
    var quit = false
    /// The seed the logged statements started from (the command line's, or the last :reset's).
    var logSeed: UInt64
    /// The threads the logged statements started on (the command line's, or as at the last :reset).
    var logThreads = 1
    /// Outputs of the chunk being run (what the log keeps of it).
    private var captured: [Output] = []

    init(seed: UInt64, dataDirectory: String, interactive: Bool = isatty(0) == 1) {
        session = Session(seed: seed, dataDirectory: dataDirectory)
        self.interactive = interactive
        console = Console(interactive: interactive)
        Palette.configure(interactive: interactive)
        logSeed = seed
        session.output = { [unowned self] o in
            console.render(o)
            if case .progress = o { return }
            captured.append(o)
        }
        Interrupts.install(session)
    }

    /// Returns the exit status: 0, or 1 when piped input had an error.
    func run() -> Int32 {
        interactive ? prompt() : piped()
    }

    /// Runs one chunk from a reader and logs it; returns whether it ran without error.
    @discardableResult
    func execute(_ chunk: Chunk, stopOnError: Bool = false) -> Bool {
        let start = Date()
        captured = []
        let records = session.run(chunk, stopOnError: stopOnError)
        console.endProgress()
        if timing { console.out(String(format: "(%.3f s)", Date().timeIntervalSince(start))) }
        let failed = records.contains { $0.status == .failed }
        let interrupted = records.contains { $0.status == .interrupted }
        if interrupted && !failed {
            console.out("(interrupted: the value so far is kept; :save keeps the statement, marked, and a replay runs it in full)")
        }
        let charts = records.compactMap { r -> Chart? in
            if case .object(let o)? = r.value { return o.chart }
            return nil
        }
        log.add(chunk.source.text, status: failed ? .failed : interrupted ? .interrupted : .ok, outputs: captured, charts: charts)
        return !failed
    }

    /// Piped input: lines through the reader; a meta-command is a line of its own.
    func piped() -> Int32 {
        var ok = true, reader = StatementReader(origin: "<stdin>")
        while !quit, let line = readLine() {
            if !reader.isPending, MetaCommands.isMeta(line) {
                reader.skipLine()
                ok = meta(line) && ok
                continue
            }
            if let chunk = reader.feed(line) { ok = execute(chunk) && ok }
        }
        if let chunk = reader.finish() { ok = execute(chunk) && ok }
        return ok ? 0 : 1
    }

    func prompt() -> Int32 {
        LineEditor.install(session)  // before the history file: libedit starts with its first call
        let history = HistoryFile()
        console.out("rec \(Rec.version) — :help for help, Tab completes, Ctrl-D leaves")
        var reader = StatementReader(origin: "")
        while !quit {
            session.cancel.clear()
            guard let line = LineEditor.read(reader.isPending ? "...> " : "rec> ") else {
                // Ctrl-C interrupts the read: the line (and any open statement) is dropped.
                if session.cancel.isSet { console.out(""); reader.discard(); continue }
                // Ctrl-D inside an unfinished statement drops that statement, not the session
                // (a participant pressing it to end a bracket would lose everything).
                if reader.isPending {
                    console.out("\n(the unfinished statement is dropped; Ctrl-D at rec> leaves)")
                    reader.discard()
                    continue
                }
                console.out("")  // Ctrl-D
                break
            }
            if !reader.isPending, MetaCommands.isMeta(line) {
                history.add(line)
                _ = meta(line)
                continue
            }
            guard let chunk = reader.feed(line) else { continue }
            if !chunk.isEmpty { history.add(chunk.source.text) }
            execute(chunk)
        }
        return 0
    }

    /// Runs a file's statements in this session through the reader; stops at the first error.
    func runFile(_ path: String) -> Bool {
        guard let source = readScript(path) else { return false }
        var reader = StatementReader(origin: path)
        for line in StatementReader.lines(of: source) {
            if let chunk = reader.feed(line), !execute(chunk, stopOnError: true) || session.cancel.isSet { return false }
        }
        if let chunk = reader.finish() { return execute(chunk, stopOnError: true) }
        return true
    }

    func readScript(_ path: String) -> String? {
        do {
            return try ScriptFile.read(path)
        } catch {
            console.err("\(error)")
            return nil
        }
    }

    /// Writes what `:save` or `:export` made, atomically. An existing file is replaced only
    /// when it is what rec wrote the same way (a saved session's header, an export's generator
    /// tag), as the builtins that write files do.
    func write(_ text: String, to path: String, mark: String) -> Bool {
        if FileManager.default.fileExists(atPath: path) {
            let head = FileManager.default.contents(atPath: path).map { String(decoding: $0.prefix(4096), as: UTF8.self) } ?? ""
            guard head.contains(mark) else {
                console.err("\(path): error: the file exists and rec did not write it; choose another name or remove it first")
                return false
            }
        }
        do {
            try AtomicFile.write(Array(text.utf8), to: path)
            console.out("wrote \(path)")
            return true
        } catch let error as DataError {
            console.err("\(path): error: \(error.message)")
            return false
        } catch {
            console.err("\(path): error: cannot write the file (\(ScriptFile.reason(error)))")
            return false
        }
    }
}

/// Reading a script file, with rec's own words for what went wrong.
enum ScriptFile {
    struct Failure: Error, CustomStringConvertible {
        let path: String, reason: String
        var description: String { "\(path): error: \(reason)" }
    }

    static func read(_ path: String) throws -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw Failure(path: path, reason: "no such file") }
        guard !isDirectory.boolValue else { throw Failure(path: path, reason: "is a directory, not a script") }
        guard let data = FileManager.default.contents(atPath: path) else { throw Failure(path: path, reason: "cannot read the file") }
        guard let text = String(data: data, encoding: .utf8) else { throw Failure(path: path, reason: "the file is not UTF-8 text") }
        return text
    }

    /// A short reason from a file-system error (errno's text where there is one).
    static func reason(_ error: any Error) -> String {
        let ns = error as NSError
        if let posix = ns.userInfo[NSUnderlyingErrorKey] as? NSError, posix.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(posix.code)))
        }
        return "error \(ns.code)"
    }
}

/// The prompt's history: `$XDG_STATE_HOME/rec/history` when that is set, else
/// `$HOME/.rec_history`; written after every statement so that nothing is lost.
struct HistoryFile {
    let path: String

    init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        path = HistoryFile.location(environment)
        _ = read_history(path)
    }

    static func location(_ environment: [String: String]) -> String {
        if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") {
            let dir = (state as NSString).appendingPathComponent("rec")
            if (try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)) != nil {
                return (dir as NSString).appendingPathComponent("history")
            }
        }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return (home as NSString).appendingPathComponent(".rec_history")
    }

    func add(_ entry: String) {
        add_history(entry)
        _ = write_history(path)
    }
}
