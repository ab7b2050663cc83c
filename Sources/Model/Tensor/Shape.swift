/// A tensor's dimensions, kept inline (rank 0 to 4) so that creating a tensor in a hot loop
/// allocates nothing for its shape.
public struct Shape: Equatable, Hashable, Sendable, CustomStringConvertible {
    public static let maxRank = 4
    public let rank: Int
    private let d0, d1, d2, d3: Int

    /// A shape from trusted dimensions (internal code). User input goes through `init(validating:)`.
    init(unchecked dims: [Int]) {
        precondition(dims.count <= Shape.maxRank && dims.allSatisfy { $0 >= 0 }, "bad shape \(dims)")
        rank = dims.count
        d0 = dims.count > 0 ? dims[0] : 1
        d1 = dims.count > 1 ? dims[1] : 1
        d2 = dims.count > 2 ? dims[2] : 1
        d3 = dims.count > 3 ? dims[3] : 1
    }

    public init(validating dims: [Int]) throws {
        guard dims.count <= Shape.maxRank else {
            throw ModelError("shape", "rank \(dims.count) is more than the supported \(Shape.maxRank)")
        }
        guard dims.allSatisfy({ $0 >= 0 }) else {
            throw ModelError("shape", "negative dimension in \(dims)")
        }
        // Sizes from users and files: the element count must not overflow and must fit in memory.
        try Limits.floats(dims, for: "shape", "\(dims)")
        self.init(unchecked: dims)
    }

    public static let scalar = Shape(unchecked: [])
    public init(_ n: Int) { self.init(unchecked: [n]) }
    public init(_ rows: Int, _ cols: Int) { self.init(unchecked: [rows, cols]) }
    public init(_ a: Int, _ b: Int, _ c: Int) { self.init(unchecked: [a, b, c]) }

    public subscript(axis: Int) -> Int {
        precondition(axis >= 0 && axis < rank, "axis \(axis) out of range for rank \(rank)")
        switch axis {
        case 0: return d0
        case 1: return d1
        case 2: return d2
        default: return d3
        }
    }

    public var dims: [Int] { (0..<rank).map { self[$0] } }
    public var count: Int { d0 * d1 * d2 * d3 }
    /// The size of the last axis (1 for a scalar): the row width of the row-major layout.
    public var last: Int { rank == 0 ? 1 : self[rank - 1] }
    /// Everything but the last axis, flattened: how many rows the row-major layout has.
    public var rows: Int {
        switch rank {
        case 0, 1: return 1
        case 2: return d0
        case 3: return d0 * d1
        default: return d0 * d1 * d2
        }
    }

    public var description: String { "[" + dims.map(String.init).joined(separator: ", ") + "]" }
}
