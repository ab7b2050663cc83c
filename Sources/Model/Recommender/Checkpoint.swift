import Foundation

/// A fitted model in one file: its parameters and optimizer state, the structure and id maps
/// it was built on (checked when it is loaded again), and the (user, item) pairs it was
/// fitted on — evaluation excludes them and recommendations explain with them, so a loaded
/// model evaluates exactly as the one saved. Layout: `RECCKPT1\n`, one line of JSON (keys
/// sorted, so the same model always gives the same bytes), then the tensors as little-endian
/// float32 in the order the JSON lists them, then the training pairs as little-endian int32
/// users followed by int32 items. Written atomically (`AtomicFile`).
public enum Checkpoint {
    public struct Contents: Codable, Sendable {
        public struct Entry: Codable, Sendable {
            public let name: String
            public let shape: [Int]
        }
        public var version = 2
        public var parameters: [Entry]
        public var optimizer: String?
        public var optimizerSteps = 0
        /// Per parameter, the shapes of its optimizer slots (none where no state was made).
        public var optimizerSlots: [[[Int]]]
        public var userIds: [Int]
        public var itemIds: [Int]
        public var vocabulary: [String]?
        // Version 2:
        /// The model's user and item counts and its nodes, described (the structure).
        public var users: Int?
        public var items: Int?
        public var nodes: [String]?
        /// How many training pairs follow the tensors (nil: saved before any fit).
        public var fittedEvents: Int?
    }

    /// What a checkpoint restored: its header and the training events (pairs only: rating 1,
    /// time 0), when it was saved after a fit.
    public struct Loaded {
        public let contents: Contents
        public let train: Events?
        /// Whether the optimizer got the saved state.
        public let optimizerRestored: Bool
    }

    static let magic = Array("RECCKPT1\n".utf8)
    static let newestVersion = 2

    /// Whether the file at `path` starts like a checkpoint (how rec recognises its own files).
    public static func isCheckpoint(_ path: String) -> Bool { RecFile.starts(path, with: magic) }

    public static func save(_ model: ScoreModel, optimizer: (any Optimizer)?, to path: String,
                            userIds: [Int] = [], itemIds: [Int] = [], vocabulary: [String]? = nil,
                            train: Events? = nil) throws {
        try AtomicFile.write(encode(model, optimizer: optimizer, userIds: userIds, itemIds: itemIds,
                                    vocabulary: vocabulary, train: train), to: path)
    }

    /// The bytes `save` writes.
    public static func encode(_ model: ScoreModel, optimizer: (any Optimizer)?, userIds: [Int] = [], itemIds: [Int] = [],
                              vocabulary: [String]? = nil, train: Events? = nil) throws -> [UInt8] {
        let parameters = model.parameters
        let state: (steps: Int, slots: [[Tensor]]) = optimizer?.state(of: parameters) ?? (0, parameters.map { _ in [] })
        let contents = Contents(parameters: parameters.map { .init(name: $0.name, shape: $0.value.shape.dims) },
                                optimizer: optimizer.map { String(describing: type(of: $0)) },
                                optimizerSteps: state.steps, optimizerSlots: state.slots.map { $0.map(\.shape.dims) },
                                userIds: userIds, itemIds: itemIds, vocabulary: vocabulary,
                                users: model.users, items: model.items, nodes: model.nodes.map(\.description),
                                fittedEvents: train?.count)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var bytes = magic
        bytes.append(contentsOf: try encoder.encode(contents))
        bytes.append(10)
        for t in parameters.map(\.value) + state.slots.flatMap({ $0 }) { RecFile.append(t, to: &bytes) }
        for column in [train?.users ?? [], train?.items ?? []] {
            for v in column { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
        }
        return bytes
    }

    /// Restores a checkpoint into a model of the same structure (nodes, names and shapes must
    /// match; so must the dataset's ids when given) and, when given, an optimizer of the same
    /// kind (another kind is an error when `strictOptimizer`, else left alone). Everything is
    /// checked before anything changes: a refused file leaves the model and optimizer as they were.
    @discardableResult
    public static func load(into model: ScoreModel, optimizer: (any Optimizer)?, from path: String,
                            userIds: [Int]? = nil, itemIds: [Int]? = nil, strictOptimizer: Bool = true) throws -> Loaded {
        let reader = try CheckpointReader(path: path, bytes: TextFile.readBytes(path))
        let contents = try reader.header()
        try reader.check(contents, against: model, userIds: userIds, itemIds: itemIds)
        let body = try reader.body(contents, model: model)
        var restored = false
        if let optimizer, !body.slots.joined().isEmpty || contents.optimizerSteps > 0 {
            let kind = String(describing: type(of: optimizer))
            if contents.optimizer == nil || contents.optimizer == kind {
                try optimizer.restore(steps: contents.optimizerSteps, slots: body.slots, of: model.parameters)
                restored = true
            } else if strictOptimizer {
                throw DataError(file: path, "holds \(contents.optimizer ?? "") state, not \(kind)")
            }
        }
        for (p, v) in zip(model.parameters, body.values) {
            p.value.pointer.update(from: v.pointer, count: v.count)
            p.zeroGrad()
        }
        return Loaded(contents: contents, train: body.train, optimizerRestored: restored)
    }
}

/// The checks and the decoding behind `Checkpoint.load`; every size read from the file is
/// bounded by the model or by the file's length before it is used.
struct CheckpointReader {
    let path: String
    let bytes: [UInt8]
    let json: Data
    let dataStart: Int

    init(path: String, bytes: [UInt8]) throws {
        self.path = path
        self.bytes = bytes
        (json, dataStart) = try RecFile.header(bytes, magic: Checkpoint.magic, path: path, kind: "a rec checkpoint")
    }

    func error(_ message: String) -> DataError { DataError(file: path, message) }

    func header() throws -> Checkpoint.Contents {
        let contents: Checkpoint.Contents
        do {
            contents = try JSONDecoder().decode(Checkpoint.Contents.self, from: json)
        } catch {
            throw self.error("has a damaged header (not the JSON rec writes)")
        }
        guard (1...Checkpoint.newestVersion).contains(contents.version) else {
            throw self.error("is checkpoint version \(contents.version); this rec reads versions 1 to \(Checkpoint.newestVersion)")
        }
        return contents
    }

    func check(_ c: Checkpoint.Contents, against model: ScoreModel, userIds: [Int]?, itemIds: [Int]?) throws {
        let parameters = model.parameters
        if let users = c.users, let items = c.items, (users, items) != (model.users, model.items) {
            throw error("was saved for \(users) users and \(items) items; this model has \(model.users) users and \(model.items) items (another dataset?)")
        }
        if let nodes = c.nodes {
            let mine = model.nodes.map(\.description)
            if nodes != mine {
                let k = (0..<min(nodes.count, mine.count)).first { nodes[$0] != mine[$0] } ?? min(nodes.count, mine.count)
                let theirs = k < nodes.count ? DataError.quote(nodes[k]) : "nothing", ours = k < mine.count ? DataError.quote(mine[k]) : "nothing"
                throw error("was saved from a model of another structure: its node \(k + 1) is \(theirs), this model's is \(ours)")
            }
        }
        guard c.parameters.count == parameters.count else {
            throw error("holds \(c.parameters.count) parameters, the model has \(parameters.count)")
        }
        for (entry, p) in zip(c.parameters, parameters) where entry.shape != p.value.shape.dims || entry.name != p.name {
            throw error("parameter \(DataError.quote(entry.name)) \(entry.shape.prefix(4)) does not match the model's \(p.name) \(p.value.shape)")
        }
        try checkIds(c.userIds, userIds, "user")
        try checkIds(c.itemIds, itemIds, "movie")
        if let saved = c.vocabulary, let mine = model.vocabulary?.words, saved != mine {
            throw error("was saved with another plot vocabulary (\(saved.count) words; this model's has \(mine.count))")
        }
        guard c.optimizerSlots.count == parameters.count else {
            throw error("holds optimizer state for \(c.optimizerSlots.count) parameters, the model has \(parameters.count)")
        }
        let slotCounts = Set(c.optimizerSlots.map(\.count).filter { $0 > 0 })
        for (slots, p) in zip(c.optimizerSlots, parameters) where slotCounts.count > 1 || slots.count > 2 || slots.contains(where: { $0 != p.value.shape.dims }) {
            throw error("holds optimizer state for \(DataError.quote(p.name)) that does not fit its shape \(p.value.shape)")
        }
        guard c.optimizerSteps >= 0, (c.fittedEvents ?? 0) >= 0 else { throw error("has a damaged header (a negative count)") }
    }

    /// The dataset's ids must be the ones the model was trained with (same ids, same order).
    func checkIds(_ saved: [Int], _ mine: [Int]?, _ what: String) throws {
        guard let mine, !saved.isEmpty, saved != mine else { return }
        guard saved.count == mine.count else {
            throw error("was saved for a dataset with \(saved.count) \(what)s; this one has \(mine.count) (another dataset?)")
        }
        let k = saved.indices.first { saved[$0] != mine[$0] } ?? 0
        throw error("was saved for another dataset: \(what) \(k + 1) has id \(saved[k]) there and \(mine[k]) here")
    }

    struct Body {
        var values: [Tensor]
        var slots: [[Tensor]]
        var train: Events?
    }

    /// The tensors and training pairs, once their sizes add up to the file's length exactly.
    func body(_ c: Checkpoint.Contents, model: ScoreModel) throws -> Body {
        let floats = (c.parameters.map(\.shape) + c.optimizerSlots.joined()).reduce(0) { $0 + $1.reduce(1, *) }
        let available = bytes.count - dataStart
        let pairs = c.fittedEvents ?? 0
        guard pairs <= available / 8, floats <= available / 4, floats * 4 + pairs * 8 == available else {
            throw error("holds \(available) data bytes, its header describes \(floats) numbers and \(pairs) training events "
                        + "(\(floats <= Int.max / 8 && pairs <= Int.max / 16 ? String(floats * 4 + pairs * 8) : "too many") bytes): truncated or damaged")
        }
        var offset = dataStart
        func read(_ shape: [Int]) throws -> Tensor {
            let t = RecFile.read(bytes, at: offset, try Shape(validating: shape))
            offset += 4 * t.count
            return t
        }
        let values = try c.parameters.map { try read($0.shape) }
        let slots = try c.optimizerSlots.map { try $0.map { try read($0) } }
        return Body(values: values, slots: slots, train: try c.fittedEvents.map { try trainingPairs($0, from: offset, model: model) })
    }

    func trainingPairs(_ n: Int, from offset: Int, model: ScoreModel) throws -> Events {
        var events = Events()
        events.users.reserveCapacity(n)
        events.items.reserveCapacity(n)
        try bytes.withUnsafeBytes { raw in
            for k in 0..<n {
                let u = Int32(littleEndian: raw.loadUnaligned(fromByteOffset: offset + 4 * k, as: Int32.self))
                let i = Int32(littleEndian: raw.loadUnaligned(fromByteOffset: offset + 4 * (n + k), as: Int32.self))
                guard u >= 0, Int(u) < model.users, i >= 0, Int(i) < model.items else {
                    throw error("training event \(k + 1) (user \(u), item \(i)) is out of range for the model: damaged")
                }
                events.users.append(u)
                events.items.append(i)
            }
        }
        events.ratings = [Float](repeating: 1, count: n)
        events.times = [Int64](repeating: 0, count: n)
        return events
    }
}
