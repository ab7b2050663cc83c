import Foundation

/// A model's parameters and its optimizer's state, with the id maps and vocabulary needed to
/// use it again, in one file written atomically (a temporary file renamed into place):
/// `RECCKPT1\n`, one line of JSON describing the contents, then the tensors as
/// little-endian float32 in the order the JSON lists them.
public enum Checkpoint {
    public struct Contents: Codable, Sendable {
        public struct Entry: Codable, Sendable {
            public let name: String
            public let shape: [Int]
        }
        public var version = 1
        public var parameters: [Entry]
        public var optimizer: String?
        public var optimizerSteps = 0
        /// Per parameter, the shapes of its optimizer slots (none where no state was made).
        public var optimizerSlots: [[[Int]]]
        public var userIds: [Int]
        public var itemIds: [Int]
        public var vocabulary: [String]?
    }

    static let magic = Array("RECCKPT1\n".utf8)

    public static func save(_ model: ScoreModel, optimizer: (any Optimizer)?, to path: String,
                            userIds: [Int] = [], itemIds: [Int] = [], vocabulary: [String]? = nil) throws {
        let parameters = model.parameters
        let state: (steps: Int, slots: [[Tensor]]) = optimizer?.state(of: parameters) ?? (0, parameters.map { _ in [] })
        let contents = Contents(parameters: parameters.map { .init(name: $0.name, shape: $0.value.shape.dims) },
                                optimizer: optimizer.map { String(describing: type(of: $0)) },
                                optimizerSteps: state.steps, optimizerSlots: state.slots.map { $0.map(\.shape.dims) },
                                userIds: userIds, itemIds: itemIds, vocabulary: vocabulary)
        var data = Data(magic)
        data.append(try JSONEncoder().encode(contents))
        data.append(10)
        for t in parameters.map(\.value) + state.slots.flatMap({ $0 }) {
            t.scalars.withUnsafeBytes { data.append(contentsOf: $0) }  // little-endian on every platform we build for
        }
        do {
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw DataError(file: path, "cannot be written: \(error.localizedDescription)")
        }
    }

    /// Restores a checkpoint into a model of the same structure (names and shapes must
    /// match) and, when given, an optimizer of the same kind. Returns what the file holds.
    @discardableResult
    public static func load(into model: ScoreModel, optimizer: (any Optimizer)?, from path: String) throws -> Contents {
        let bytes = try TextFile(path).bytes
        guard bytes.count > magic.count, Array(bytes[0..<magic.count]) == magic,
              let end = bytes[magic.count...].firstIndex(of: 10) else {
            throw DataError(file: path, "is not a rec checkpoint")
        }
        let contents: Contents
        do {
            contents = try JSONDecoder().decode(Contents.self, from: Data(bytes[magic.count..<end]))
        } catch {
            throw DataError(file: path, "has an unreadable header: \(error)")
        }
        let parameters = model.parameters
        guard contents.parameters.count == parameters.count else {
            throw DataError(file: path, "holds \(contents.parameters.count) parameters, the model has \(parameters.count)")
        }
        for (entry, p) in zip(contents.parameters, parameters) where entry.shape != p.value.shape.dims || entry.name != p.name {
            throw DataError(file: path, "parameter \(entry.name) \(entry.shape) does not match the model's \(p.name) \(p.value.shape)")
        }
        let slotShapes = contents.optimizerSlots.flatMap { $0 }
        let total = (contents.parameters.map(\.shape) + slotShapes).reduce(0) { $0 + $1.reduce(1, *) }
        var offset = end + 1
        guard bytes.count - offset == total * 4 else {
            throw DataError(file: path, "holds \(bytes.count - offset) data bytes, its header describes \(total * 4)")
        }
        func read(_ shape: [Int]) throws -> Tensor {
            let t = Tensor(uninitialized: try Shape(validating: shape))
            bytes.withUnsafeBytes { raw in
                for i in 0..<t.count {
                    t.pointer[i] = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset + 4 * i, as: UInt32.self)))
                }
            }
            offset += 4 * t.count
            return t
        }
        let values = try contents.parameters.map { try read($0.shape) }
        let slots = try contents.optimizerSlots.map { try $0.map { try read($0) } }
        if let optimizer {
            let kind = String(describing: type(of: optimizer))
            guard contents.optimizer == nil || contents.optimizer == kind else {
                throw DataError(file: path, "holds \(contents.optimizer!) state, not \(kind)")
            }
            try optimizer.restore(steps: contents.optimizerSteps, slots: slots, of: parameters)
        }
        for (p, v) in zip(parameters, values) {
            p.value.pointer.update(from: v.pointer, count: v.count)
            p.zeroGrad()
        }
        return contents
    }
}
