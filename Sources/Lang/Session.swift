import Foundation
import Model

/// The one API every front end uses (the prompt, `rec run`, `:step`, `:export`, the notebook
/// kernel, the tests): text goes in, typed outputs come out through `output`, and each
/// statement's record comes back. The session also carries the state statements share:
/// variables, the seeded random generator, the data directory, and the flag Ctrl-C sets.
public final class Session {
    public internal(set) var variables: [String: Value] = [:]
    /// `_`: the last value an expression statement computed (not a variable: `:vars` and
    /// `vars()` do not list it).
    public internal(set) var lastValue: Value?
    public private(set) var seed: UInt64
    public private(set) var rng: RandomSource
    /// The files this session wrote (absolute paths), each as it was then (device, inode,
    /// modification time, size): its own output, which it may write again without
    /// `overwrite: true` while it is unchanged. Kept across `:reset`, as the files are.
    private var written: [String: [Int]] = [:]

    func noteWritten(_ path: String) {
        if let id = Self.identity(path) { written[URL(fileURLWithPath: path).standardizedFileURL.path] = id }
    }

    func wroteUnchanged(_ path: String) -> Bool {
        guard let id = Self.identity(path) else { return false }
        return written[URL(fileURLWithPath: path).standardizedFileURL.path] == id
    }

    private static func identity(_ path: String) -> [Int]? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return [Int(st.st_dev), Int(st.st_ino), Int(st.st_mtim.tv_sec), Int(st.st_mtim.tv_nsec), Int(st.st_size)]
    }
    public var dataDirectory: String
    /// Caps the epochs of every `fit` (quick runs of long scripts, e.g. tutorials in tests).
    public var maxEpochs: Int?
    /// The threads `fit` trains on (`threads(n)`, `--threads`): a session's own setting, one
    /// unless told, whatever OpenBLAS defaults to, so a script gives the same numbers in every
    /// front end (more threads split each batch and give other, equally fixed, numbers).
    public var threads = 1
    /// Where outputs go while statements run (the front end's renderer).
    public var output: ((Output) -> Void)?
    /// Refuse every write (`rec run --read-only`).
    public var readOnly = false
    public let cancel = CancelFlag()
    let registry: Registry
    /// What `refit` made, by the scorer refitted (held, so its identity is not reused) and the events.
    var refits: [ObjectIdentifier: (key: AnyObject, events: EventsObject, value: Value)] = [:]
    /// Set while a `;`-silenced statement runs.
    private var silencing = false
    private(set) lazy var interpreter = Interpreter(session: self)

    public init(seed: UInt64 = 42, dataDirectory: String = "Data") {
        self.seed = seed
        rng = RandomSource(seed: seed)
        self.dataDirectory = dataDirectory
        registry = Registry.standard
    }

    /// Hands an output to the front end (builtins report progress, notes and warnings here).
    /// A statement ended with `;` shows only its warnings and errors.
    public func emit(_ o: Output) {
        if silencing {
            switch o {
            case .value, .note, .progress: return
            case .warning, .error: break
            }
        }
        output?(o)
    }

    /// A warning the front end shows; the statement goes on.
    public func warn(_ message: String) {
        emit(.warning(message))
    }

    /// Binds a variable from outside the language (`rec run --set name=value`): a number,
    /// true/false, or else the text as a string (inside its quotes, if it is quoted). Throws for a name the language cannot spell.
    public func define(_ assignment: String) throws {
        guard let eq = assignment.firstIndex(of: "=") else {
            throw LangError(.argument, "--set takes name=value, got \"\(assignment)\"", nil)
        }
        let name = String(assignment[..<eq]), text = String(assignment[assignment.index(after: eq)...])
        guard let first = name.first, first.isLetter || first == "_", name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
            throw LangError(.argument, "--set: '\(name)' is not a name (letters, digits and _, not starting with a digit)", nil)
        }
        warnIfHidingBuiltin(name)
        if let x = Double(text), x.isFinite { variables[name] = .number(x) }
        else if text == "true" || text == "false" { variables[name] = .bool(text == "true") }
        else { variables[name] = .string(Value.unquoted(text)) }
    }

    /// A value bound to a builtin's name hides the builtin; say so once, when it starts.
    private func warnIfHidingBuiltin(_ name: String) {
        if builtin(name) != nil, variables[name] == nil {
            warn("'\(name)' now names a value: the builtin \(name)(…) is hidden until :reset")
        }
    }

    public func reseed(_ seed: UInt64) {
        self.seed = seed
        rng.reseed(seed)
    }

    public func reset() {
        variables = [:]
        lastValue = nil
        reseed(seed)
    }

    /// A path in a string: relative to the data directory unless it starts with `/` or `./`.
    public func resolvePath(_ path: String) -> String {
        if path.hasPrefix("/") || path.hasPrefix("./") || path.hasPrefix("../") { return path }
        return (dataDirectory as NSString).appendingPathComponent(path)
    }

    public var builtinNames: [String] { registry.builtins.keys.sorted() }
    public func builtin(_ name: String) -> Builtin? { registry.builtins[name] }
    public func members(of value: Value) -> [Member] {
        guard case .object(let o) = value else { return [] }
        return registry.members[type(of: o).typeName]?.values.sorted { $0.name < $1.name } ?? []
    }
}

/// What one statement came to, for the front end's log (`:history`, `:save`, `:export`).
public struct StatementRecord {
    public enum Status: Equatable {
        /// Ran to the end.
        case ok
        /// Did not parse, resolve or run: nothing was bound.
        case failed
        /// Ctrl-C stopped it early but it finished with a value (a `fit` keeps the epochs it ran).
        case interrupted
    }
    /// The statement's text (a chunk's whole text when it did not parse).
    public let source: String
    public let status: Status
    /// The name it bound, if it is an assignment that ran.
    public let name: String?
    /// Its value, if it ran (unless the run was told not to keep values).
    public internal(set) var value: Value?
    /// The error, if it failed (its kind is `.interrupted` when Ctrl-C stopped it with nothing to keep).
    public let error: LangError?
    /// The line of its origin where it starts (nil when that is not known: a chunk that did not parse).
    public var line: Int? = nil
}

extension Session {
    /// Runs a chunk from the reader: its statements are checked together (nothing runs when
    /// one does not resolve), then run one by one. Every output goes to `output`; a script
    /// stops at an error and after a statement Ctrl-C cut short (`stopOnError`).
    @discardableResult
    public func run(_ chunk: Chunk, stopOnError: Bool = false) -> [StatementRecord] {
        let statements: [ParsedStatement]
        do {
            statements = try chunk.parsed.get()
        } catch {
            return [failure(error, source: chunk.source, text: chunk.source.text, span: nil)]
        }
        if let (s, e) = interpreter.resolve(statements) {
            return [failure(e, source: chunk.source, text: s.source, span: s.statement.span)]
        }
        var records: [StatementRecord] = []
        for s in statements {
            let r = execute(s, source: chunk.source)
            records.append(r)
            if stopOnError && r.status != .ok { break }
        }
        return records
    }

    /// Runs a whole text (a file, a notebook cell) chunk by chunk through the same path. With
    /// `keepValues: false` the records hold no values (`rec run`: a script that builds forty
    /// models must not hold all forty until it ends; the variables hold what is still wanted).
    @discardableResult
    public func run(_ source: String, origin: String, stopOnError: Bool = true, keepValues: Bool = true) -> [StatementRecord] {
        var reader = StatementReader(origin: origin), records: [StatementRecord] = []
        func take(_ chunk: Chunk) -> Bool {
            var r = run(chunk, stopOnError: stopOnError)
            if !keepValues { for k in r.indices { r[k].value = nil } }
            records += r
            return !(stopOnError && r.contains { $0.status != .ok })
        }
        for line in StatementReader.lines(of: source) {
            if let c = reader.feed(line), !take(c) { return records }
        }
        if let c = reader.finish() { _ = take(c) }
        return records
    }

    /// Parses and resolves a whole text without running it (`rec check`, and `rec run` before
    /// it starts): the errors, at most one per chunk that fails.
    public func check(_ source: String, origin: String) -> [(LangError, SourceText)] {
        var bound = Set<String>(), errors: [(LangError, SourceText)] = []
        for chunk in StatementReader.chunks(of: source, origin: origin) {
            do {
                let statements = try chunk.parsed.get()
                if let (_, e) = interpreter.resolve(statements, known: bound) { errors.append((e, chunk.source)) }
                for case .assign(let name, _, _) in statements.map(\.statement) { bound.insert(name) }
            } catch {
                errors.append((Self.langError(error, span: nil), chunk.source))
            }
        }
        return errors
    }

    private func execute(_ s: ParsedStatement, source: SourceText) -> StatementRecord {
        cancel.clear()
        // A statement that fails binds nothing and leaves the generator where it was: what it
        // drew before failing (an embedding's initial values, say) would make every later
        // figure differ from a replay of the session, which leaves failed statements out.
        let before = rng.snapshot(), seedBefore = seed
        silencing = s.silent
        defer { silencing = false; Limits.dropReservation() }
        do {
            if case .assign(let name, _, _) = s.statement { warnIfHidingBuiltin(name) }
            // Bulk work without a progress monitor of its own (big random fills) sees Ctrl-C here.
            interpreter.source = source
            let (name, value) = try Interruption.$flag.withValue(cancel) { try interpreter.execute(s) }
            if name == nil { emit(.value(value)) }
            // `_` is the last value an expression printed or computed, as in Python's prompt.
            if name == nil, case .none = value {} else if name == nil { lastValue = value }
            return StatementRecord(source: s.source, status: cancel.isSet ? .interrupted : .ok, name: name, value: value, error: nil,
                                   line: s.statement.span.line)
        } catch {
            rng.restore(before)
            seed = seedBefore
            return failure(error, source: source, text: s.source, span: s.statement.span)
        }
    }

    private func failure(_ error: any Error, source: SourceText, text: String, span: SourceSpan?) -> StatementRecord {
        let e = Self.langError(error, span: span)
        emit(.error(e, source: source))
        return StatementRecord(source: text, status: .failed, name: nil, value: nil, error: e, line: span?.line)
    }

    static func langError(_ error: any Error, span: SourceSpan?) -> LangError {
        if let e = error as? LangError { return e }
        if error is Cancelled { return LangError(.interrupted, "interrupted", span) }
        return LangError(.runtime, "\(error)", span)
    }
}

/// Reports long work as progress outputs and stops it when Ctrl-C was pressed.
final class SessionMonitor: ProgressMonitor {
    let session: Session
    private let start = Date()
    init(_ s: Session) { session = s }

    func advance(_ fraction: Double, _ what: String) throws {
        if session.cancel.isSet { throw Cancelled() }
        var text = what
        if fraction > 0.02 {
            let elapsed = Date().timeIntervalSince(start)
            text += "  " + FitObserver.duration(elapsed / fraction * (1 - fraction)) + " left"
        }
        session.emit(.progress(ProgressReport(text, fraction: fraction)))
    }
}
