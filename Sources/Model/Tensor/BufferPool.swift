import CKernels
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Float buffers recycled by size class, so that a training step that makes the same tensors
/// every batch stops calling malloc after the first one. Buffers are 64-byte aligned for SIMD.
/// Small ones go first to the thread's own cache (`rk_pool_cache_take`, no lock), then to
/// the lanes.
final class BufferPool: Sendable {
    static let shared = BufferPool()

    private static let classes = 48
    /// Cached buffers per size class; beyond this they go back to the system.
    private static let keepPerClass = 64

    private struct FreeLists: ~Copyable {
        var lists: [[UInt]]  // addresses: raw pointers are not Sendable
    }

    /// Free lists of one part of a split batch (`CurrentPart`): a buffer freed by one thread
    /// is taken again by the same thread, whose cache still holds it, instead of moving
    /// between cores with every tensor. Padded so that two lanes' locks never share a cache line.
    private final class Lane: Sendable {
        let freeLists = Mutex(FreeLists(lists: Array(repeating: [], count: BufferPool.classes)))
        private let padding: (Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    }
    private let lanes = (0..<CurrentPart.limit).map { _ in Lane() }
    private var lane: Lane { lanes[CurrentPart.index] }

    /// The size class (power of two, at least 16 floats) that holds `count` floats, or nil
    /// when no class does (a negative count, or more than 2^47 floats: no machine holds that).
    static func sizeClass(_ count: Int) -> Int? {
        guard count >= 0 else { return nil }
        let n = Swift.max(count, 16)
        let cls = Int.bitWidth - (n - 1).leadingZeroBitCount
        return cls < classes ? cls : nil
    }

    /// Buffers above this many floats (64 MB) are allocated at their exact size and freed at
    /// once: rounding a 12 GB request up to 16 GB, or keeping GBs cached that nobody reuses,
    /// takes memory the session does not have.
    static let largest = 1 << 24
    /// The size class of exact, uncached buffers.
    static let exact = -1

    /// A large buffer already backed by memory (see `reserve`), and its size in floats.
    private struct Reservation: ~Copyable { var address: UInt = 0, count = 0 }
    private let reservation = Mutex(Reservation())

    /// Allocates `count` floats and touches every page now, in chunks with `check` between
    /// them, so that the allocation the caller is about to make finds them ready. Touching
    /// fresh memory is most of the cost of a big tensor (about 1 s per GB on some VMs), and
    /// here Ctrl-C (`check` throwing) can stop it; a computation that touched it later could
    /// not be stopped. The reservation is used by the next `take` of exactly `count` floats,
    /// replaced by the next `reserve`, or freed by `dropReservation`.
    func reserve(_ count: Int, check: () throws -> Void) throws {
        if reservedFloats == count { return }  // the same request checked twice
        dropReservation()
        guard count > BufferPool.largest, case let (bytes, overflow) = count.multipliedReportingOverflow(by: 4), !overflow else { return }
        var raw: UnsafeMutableRawPointer?
        guard posix_memalign(&raw, 64, bytes) == 0, let raw else { return }
        let chunk = 64 << 20
        do {
            for start in stride(from: 0, to: bytes, by: chunk) {
                memset(raw + start, 0, Swift.min(chunk, bytes - start))
                try check()
            }
        } catch {
            free(raw)
            throw error
        }
        let address = UInt(bitPattern: raw)
        reservation.withLock { $0 = Reservation(address: address, count: count) }
    }

    /// Floats held by the reservation (0 without one): memory a request of that size has.
    var reservedFloats: Int { reservation.withLock { $0.count } }

    /// Frees a reservation nobody took.
    func dropReservation() {
        let address = reservation.withLock { r -> UInt in
            defer { r = Reservation() }
            return r.address
        }
        if let raw = UnsafeMutableRawPointer(bitPattern: address) { free(raw) }
    }

    /// The reserved buffer when it holds exactly `count` floats.
    private func takeReservation(_ count: Int) -> UnsafeMutableRawPointer? {
        let address = reservation.withLock { r -> UInt in
            guard r.count == count, r.address != 0 else { return 0 }
            defer { r = Reservation() }
            return r.address
        }
        return UnsafeMutableRawPointer(bitPattern: address)
    }

    /// A buffer of at least `count` floats and its size class, or nil when the system has no
    /// memory for it (posix_memalign fails instead of trapping, as `allocate` would).
    func take(_ count: Int) -> (UnsafeMutablePointer<Float>, Int)? {
        if count > BufferPool.largest {
            if let raw = takeReservation(count) {
                return (raw.bindMemory(to: Float.self, capacity: count), BufferPool.exact)
            }
            let (bytes, overflow) = count.multipliedReportingOverflow(by: 4)
            var raw: UnsafeMutableRawPointer?
            guard !overflow, posix_memalign(&raw, 64, bytes) == 0, let raw else { return nil }
            return (raw.bindMemory(to: Float.self, capacity: count), BufferPool.exact)
        }
        guard let cls = BufferPool.sizeClass(count) else { return nil }
        let capacity = 1 << cls
        if let raw = rk_pool_cache_take(Int64(cls)) { return (raw.bindMemory(to: Float.self, capacity: capacity), cls) }
        let cached: UInt? = lane.freeLists.withLock { $0.lists[cls].popLast() }
        var raw = cached.flatMap { UnsafeMutableRawPointer(bitPattern: $0) }
        if raw == nil {
            guard posix_memalign(&raw, 64, capacity * 4) == 0 else { return nil }
        }
        guard let raw else { return nil }
        return (raw.bindMemory(to: Float.self, capacity: capacity), cls)
    }

    func give(_ pointer: UnsafeMutablePointer<Float>, sizeClass cls: Int) {
        let raw = UnsafeMutableRawPointer(pointer)
        if cls == BufferPool.exact { free(raw); return }
        if rk_pool_cache_give(raw, Int64(cls)) != 0 { return }
        let address = UInt(bitPattern: raw)
        let kept = lane.freeLists.withLock { lists -> Bool in
            guard lists.lists[cls].count < BufferPool.keepPerClass else { return false }
            lists.lists[cls].append(address)
            return true
        }
        if !kept { free(raw) }
    }
}
