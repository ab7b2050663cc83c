/// A dense Float32 tensor, row-major and contiguous. Tensors are reference objects (as in
/// NumPy or Torch): operations make new tensors, and only the core's own kernels write into
/// an existing one. Memory comes from a pool, so the tensors a training step makes again
/// each batch reuse the same memory.
public final class Tensor {
    public let shape: Shape
    /// The raw buffer, for kernels in this module. Valid while the tensor lives.
    let pointer: UnsafeMutablePointer<Float>
    /// The pool's size class of `pointer` (unused when `owner` holds the memory).
    private let sizeClass: Int
    /// The tensor whose memory this one views (a reshape), nil when this one owns it. The
    /// buffer lives in the tensor itself rather than in an object of its own: a training step
    /// makes dozens of tensors, and a second object each was a second malloc, free and release.
    private let owner: Tensor?

    /// An uninitialised tensor; every caller writes all of it before reading.
    /// Sizes that come from users are checked by `Limits.floats` before they get here, so a
    /// failure to allocate is a missed check (a programmer error), not bad input.
    init(uninitialized shape: Shape) {
        self.shape = shape
        guard let (p, cls) = BufferPool.shared.take(shape.count) else {
            fatalError("cannot allocate \(shape.count) floats: a size that skipped Limits.floats")
        }
        (pointer, sizeClass, owner) = (p, cls, nil)
    }

    /// A tensor sharing another's memory with a different shape of the same size (reshape).
    private init(sharing other: Tensor, shape: Shape) {
        self.shape = shape
        (pointer, sizeClass, owner) = (other.pointer, other.sizeClass, other.owner ?? other)
    }

    deinit { if owner == nil { BufferPool.shared.give(pointer, sizeClass: sizeClass) } }

    @inline(__always) public var count: Int { shape.count }
    @inline(__always) public var rank: Int { shape.rank }

    // MARK: Creation

    public convenience init(zeros shape: Shape) {
        self.init(repeating: 0, shape: shape)
    }

    public convenience init(repeating value: Float, shape: Shape) {
        self.init(uninitialized: shape)
        pointer.update(repeating: value, count: count)
    }

    /// Zeros of trusted dimensions (tests, internal code); user input goes through Shape(validating:).
    static func zeros(_ dims: Int...) -> Tensor { Tensor(zeros: Shape(unchecked: dims)) }
    public static func ones(_ shape: Shape) -> Tensor { Tensor(repeating: 1, shape: shape) }

    /// A tensor from values in row-major order; the count must match the shape.
    public convenience init(shape: Shape, values: [Float]) throws {
        guard values.count == shape.count else {
            throw ModelError("tensor", "\(values.count) values do not fill shape \(shape) (\(shape.count) needed)")
        }
        self.init(uninitialized: shape)
        values.withUnsafeBufferPointer { pointer.update(from: $0.baseAddress!, count: count) }
    }

    /// A vector.
    public convenience init(_ values: [Float]) {
        self.init(uninitialized: Shape(values.count))
        values.withUnsafeBufferPointer { if let b = $0.baseAddress { pointer.update(from: b, count: count) } }
    }

    /// A matrix from rows of equal length.
    public convenience init(rows: [[Float]]) throws {
        let width = rows.first?.count ?? 0
        guard rows.allSatisfy({ $0.count == width }) else {
            throw ModelError("tensor", "rows have different lengths: \(rows.map(\.count))")
        }
        try self.init(shape: Shape(rows.count, width), values: rows.flatMap { $0 })
    }

    public static func scalar(_ value: Float) -> Tensor {
        let t = Tensor(uninitialized: .scalar)
        t.pointer[0] = value
        return t
    }

    /// A tensor of one value, filled in chunks so that Ctrl-C stops a fill of a few GB.
    public static func filled(_ value: Float, _ shape: Shape) throws -> Tensor {
        let t = Tensor(uninitialized: shape)
        try Interruption.chunked(t.count) { r in (t.pointer + r.lowerBound).update(repeating: value, count: r.count) }
        return t
    }

    /// Random fills work in chunks so that Ctrl-C stops a fill of a few GB (`Interruption`);
    /// the values are the same as one pass would draw.
    public static func uniform(_ shape: Shape, low: Float, high: Float, rng: RandomSource) throws -> Tensor {
        let t = Tensor(uninitialized: shape)
        try Interruption.chunked(t.count) { r in
            rng.fillUniform(t.pointer + r.lowerBound, count: r.count, low: low, high: high)
        }
        return t
    }

    public static func normal(_ shape: Shape, mean: Float = 0, std: Float = 1, rng: RandomSource) throws -> Tensor {
        let t = Tensor(uninitialized: shape)
        try Interruption.chunked(t.count) { r in
            for i in r { t.pointer[i] = mean + std * rng.normal() }
        }
        return t
    }

    /// Glorot/Xavier uniform initialisation for a [fanIn, fanOut] weight matrix.
    public static func glorot(_ fanIn: Int, _ fanOut: Int, rng: RandomSource) throws -> Tensor {
        let limit = (6 / Float(fanIn + fanOut)).squareRoot()
        return try uniform(Shape(fanIn, fanOut), low: -limit, high: limit, rng: rng)
    }

    public func copy() -> Tensor {
        let t = Tensor(uninitialized: shape)
        t.pointer.update(from: pointer, count: count)
        return t
    }

    // MARK: Access

    public var scalars: [Float] { Array(UnsafeBufferPointer(start: pointer, count: count)) }

    /// The single value of a one-element tensor.
    public var item: Float {
        get throws {
            guard count == 1 else { throw ModelError("item", "tensor of shape \(shape) is not a single value") }
            return pointer[0]
        }
    }

    /// Element at a flat row-major index (bounds are the caller's duty: tests and printing).
    public subscript(flat index: Int) -> Float {
        get { precondition(index >= 0 && index < count); return pointer[index] }
        set { precondition(index >= 0 && index < count); pointer[index] = newValue }
    }

    public subscript(row: Int, col: Int) -> Float {
        get { self[flat: row * shape.last + col] }
        set { self[flat: row * shape.last + col] = newValue }
    }

    /// The same memory seen with another shape of equal size.
    public func reshaped(_ newShape: Shape) throws -> Tensor {
        guard newShape.count == count else {
            throw ModelError.shapes("reshape", shape, newShape, "sizes differ")
        }
        return Tensor(sharing: self, shape: newShape)
    }

    /// Set every element to `value` (in place; for the core's own buffers).
    func fill(_ value: Float) { pointer.update(repeating: value, count: count) }
}
