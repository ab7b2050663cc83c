import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Float buffers recycled by size class, so that a training step that makes the same tensors
/// every batch stops calling malloc after the first one. Buffers are 64-byte aligned for SIMD.
final class BufferPool: Sendable {
    static let shared = BufferPool()

    private static let classes = 48
    /// Cached buffers per size class; beyond this they go back to the system.
    private static let keepPerClass = 64

    private struct FreeLists: ~Copyable {
        var lists: [[UInt]]  // addresses: raw pointers are not Sendable
    }
    private let free = Mutex(FreeLists(lists: Array(repeating: [], count: BufferPool.classes)))

    /// The size class (power of two, at least 16 floats) that holds `count` floats.
    static func sizeClass(_ count: Int) -> Int {
        let n = Swift.max(count, 16)
        return Int.bitWidth - (n - 1).leadingZeroBitCount
    }

    func take(_ count: Int) -> (UnsafeMutablePointer<Float>, Int) {
        let cls = BufferPool.sizeClass(count)
        let capacity = 1 << cls
        let cached: UInt? = free.withLock { $0.lists[cls].popLast() }
        let raw = cached.flatMap { UnsafeMutableRawPointer(bitPattern: $0) }
            ?? UnsafeMutableRawPointer.allocate(byteCount: capacity * 4, alignment: 64)
        return (raw.bindMemory(to: Float.self, capacity: capacity), cls)
    }

    func give(_ pointer: UnsafeMutablePointer<Float>, sizeClass cls: Int) {
        let raw = UnsafeMutableRawPointer(pointer)
        let address = UInt(bitPattern: raw)
        let kept = free.withLock { lists -> Bool in
            guard lists.lists[cls].count < BufferPool.keepPerClass else { return false }
            lists.lists[cls].append(address)
            return true
        }
        if !kept { raw.deallocate() }
    }
}

/// The memory behind one or more tensors (a reshape shares it).
final class Storage {
    let pointer: UnsafeMutablePointer<Float>
    private let sizeClass: Int

    init(count: Int) {
        (pointer, sizeClass) = BufferPool.shared.take(count)
    }

    deinit { BufferPool.shared.give(pointer, sizeClass: sizeClass) }
}
