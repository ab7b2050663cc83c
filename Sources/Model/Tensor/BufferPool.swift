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
    private let freeLists = Mutex(FreeLists(lists: Array(repeating: [], count: BufferPool.classes)))

    /// The size class (power of two, at least 16 floats) that holds `count` floats, or nil
    /// when no class does (a negative count, or more than 2^47 floats: no machine holds that).
    static func sizeClass(_ count: Int) -> Int? {
        guard count >= 0 else { return nil }
        let n = Swift.max(count, 16)
        let cls = Int.bitWidth - (n - 1).leadingZeroBitCount
        return cls < classes ? cls : nil
    }

    /// A buffer of at least `count` floats and its size class, or nil when the system has no
    /// memory for it (posix_memalign fails instead of trapping, as `allocate` would).
    func take(_ count: Int) -> (UnsafeMutablePointer<Float>, Int)? {
        guard let cls = BufferPool.sizeClass(count) else { return nil }
        let capacity = 1 << cls
        let cached: UInt? = freeLists.withLock { $0.lists[cls].popLast() }
        var raw = cached.flatMap { UnsafeMutableRawPointer(bitPattern: $0) }
        if raw == nil {
            guard posix_memalign(&raw, 64, capacity * 4) == 0 else { return nil }
        }
        guard let raw else { return nil }
        return (raw.bindMemory(to: Float.self, capacity: capacity), cls)
    }

    func give(_ pointer: UnsafeMutablePointer<Float>, sizeClass cls: Int) {
        let raw = UnsafeMutableRawPointer(pointer)
        let address = UInt(bitPattern: raw)
        let kept = freeLists.withLock { lists -> Bool in
            guard lists.lists[cls].count < BufferPool.keepPerClass else { return false }
            lists.lists[cls].append(address)
            return true
        }
        if !kept { free(raw) }
    }
}

/// The memory behind one or more tensors (a reshape shares it).
final class Storage {
    let pointer: UnsafeMutablePointer<Float>
    private let sizeClass: Int

    /// Sizes that come from users are checked by `Limits.floats` before they get here, so a
    /// failure here is a missed check (a programmer error), not bad input.
    init(count: Int) {
        guard let (p, cls) = BufferPool.shared.take(count) else {
            fatalError("cannot allocate \(count) floats: a size that skipped Limits.floats")
        }
        (pointer, sizeClass) = (p, cls)
    }

    deinit { BufferPool.shared.give(pointer, sizeClass: sizeClass) }
}
