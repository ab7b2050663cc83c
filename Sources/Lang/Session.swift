import Foundation
import Model

/// What the interpreter reports while it works (the REPL draws progress; Lang has no
/// terminal code of its own).
public protocol SessionDelegate: AnyObject {
    func progress(_ text: String, fraction: Double?)
    func progressDone(_ line: String)
}

/// The state a session carries from statement to statement: variables, the seeded random
/// generator, the data directory, and the flag Ctrl-C sets.
public final class Session {
    public internal(set) var variables: [String: Value] = [:]
    public private(set) var seed: UInt64
    public private(set) var rng: RandomSource
    public var dataDirectory: String
    /// Caps the epochs of every `fit` (quick runs of long scripts, e.g. tutorials in tests).
    public var maxEpochs: Int?
    public weak var delegate: (any SessionDelegate)?
    /// Where outputs go while statements run (the front end's renderer).
    public var output: ((Output) -> Void)?
    public let cancel = CancelFlag()
    let registry: Registry

    public init(seed: UInt64 = 42, dataDirectory: String = "Data") {
        self.seed = seed
        rng = RandomSource(seed: seed)
        self.dataDirectory = dataDirectory
        registry = Registry.standard
    }

    /// Hands an output to the front end (builtins report notes and warnings through this).
    public func emit(_ o: Output) {
        output?(o)
    }

    /// A warning the front end shows; the statement goes on.
    public func warn(_ message: String) {
        emit(.warning(message))
    }

    public func reseed(_ seed: UInt64) {
        self.seed = seed
        rng.reseed(seed)
    }

    public func reset() {
        variables = [:]
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

extension Session {
    /// Binds synthetic data as variables (for `rec bench script`): `users` and `items` axes,
    /// `events`, and a fixed content matrix `features`.
    public func bindSynthetic(_ data: SyntheticEvents) {
        var events = Events()
        for k in 0..<data.eventItems.count { events.append(user: data.eventUsers[k], item: data.eventItems[k], rating: 1, time: 0) }
        variables["users"] = .object(AxisObject(.users, data.users, nil))
        variables["items"] = .object(AxisObject(.items, data.items, nil))
        variables["events"] = .object(EventsObject(events, "events", users: data.users, items: data.items))
        variables["features"] = .object(TensorObject(Variable(data.content)))
    }
}

/// Reports long work to the session's delegate and stops it when Ctrl-C was pressed.
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
        session.delegate?.progress(text, fraction: fraction)
    }
}
