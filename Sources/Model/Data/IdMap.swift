/// Original ids (as in the files) mapped to dense indices 0..<count and back.
/// The dictionary is used while loading, never in training loops (they use the indices).
public struct IdMap: Sendable {
    public private(set) var ids: [Int] = []
    private var index: [Int: Int32] = [:]

    public init() {}

    public var count: Int { ids.count }

    /// The index of `id`, adding it when new.
    @discardableResult
    public mutating func intern(_ id: Int) -> Int32 {
        if let i = index[id] { return i }
        let i = Int32(ids.count)
        ids.append(id)
        index[id] = i
        return i
    }

    public func lookup(_ id: Int) -> Int32? { index[id] }

    public func contains(_ id: Int) -> Bool { index[id] != nil }
}
