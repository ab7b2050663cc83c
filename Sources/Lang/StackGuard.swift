#if canImport(Glibc)
import Glibc
#endif

/// How far down the current thread's stack may go before evaluation stops with an error.
/// Expressions nest at most `Parser.maxDepth` deep, but functions calling functions multiply
/// that, and frame sizes differ between builds and threads (a notebook kernel runs cells on
/// a thread of its own): so the guard measures the stack instead of counting.
struct StackGuard {
    /// Room left for what runs below the deepest evaluation (builtins, BLAS).
    static let reserve = 512 * 1024

    /// The lowest address evaluation may reach on this thread (0: unknown, no guard).
    let floor: UInt

    /// glibc's `pthread_getattr_np` (a GNU extension the Swift overlay does not declare).
    typealias GetAttributes = @convention(c) (pthread_t, UnsafeMutablePointer<pthread_attr_t>) -> Int32
    nonisolated(unsafe) static let getAttributes: GetAttributes? = {
        guard let symbol = dlsym(nil, "pthread_getattr_np") else { return nil }
        return unsafeBitCast(symbol, to: GetAttributes.self)
    }()

    init() {
        var attributes = pthread_attr_t()
        var base: UnsafeMutableRawPointer?
        var size = 0
        guard let get = StackGuard.getAttributes, get(pthread_self(), &attributes) == 0 else { floor = 0; return }
        defer { pthread_attr_destroy(&attributes) }
        guard pthread_attr_getstack(&attributes, &base, &size) == 0, let base else { floor = 0; return }
        floor = UInt(bitPattern: base) + UInt(StackGuard.reserve)
    }

    /// Whether the caller's frame is still above the floor.
    @inline(__always)
    func hasRoom() -> Bool {
        var marker: UInt8 = 0
        return withUnsafeMutablePointer(to: &marker) { UInt(bitPattern: $0) } > floor
    }
}
