import Foundation

/// The one place that decides whether a requested size can be held. Every size a statement
/// or a file can ask for (tensor shapes, widths, dims, negatives × batch, a header's counts)
/// goes through `floats` *before* anything is allocated, so an absurd request is an error
/// that names it instead of a process killed by the allocator or by an overflow.
public enum Limits {
    /// Bytes of physical memory (sysconf; /proc/meminfo when sysconf cannot tell), or the
    /// container's memory limit when that is lower.
    public static let physicalMemory: Int = {
        let pages = sysconf(Int32(_SC_PHYS_PAGES)), size = sysconf(Int32(_SC_PAGESIZE))
        var total = meminfoTotal() ?? 8 << 30
        if pages > 0, size > 0, case let (b, o) = pages.multipliedReportingOverflow(by: size), !o { total = b }
        return Swift.min(total, cgroupNumber("memory.max") ?? Int.max)
    }()

    /// The share of memory one request may take: half the machine, leaving the other half for
    /// what the request brings along (gradients, optimizer state, the rest of the session).
    public static let memoryFraction = 0.5

    /// Bytes one request may use: `memoryFraction` of the machine, or less when the
    /// environment sets `REC_MEMORY_LIMIT` (bytes, or with a K/M/G/T suffix: shared machines,
    /// fuzzing).
    public static let budget: Int = {
        let share = Int(Double(physicalMemory) * memoryFraction)
        guard let text = ProcessInfo.processInfo.environment["REC_MEMORY_LIMIT"], let cap = parseBytes(text) else { return share }
        return Swift.min(share, cap)
    }()

    /// The longest axis a tensor may have: BLAS takes 32-bit dimensions.
    public static let maxDimension = Int(Int32.max)

    /// Cores this process may run on (BLAS threads beyond them only wait for each other).
    public static let cores = Swift.max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// The product of `factors`, or nil when one is negative or the product overflows Int.
    public static func product(_ factors: [Int]) -> Int? {
        var total = 1
        for f in factors {
            guard f >= 0 else { return nil }
            let (p, overflow) = total.multipliedReportingOverflow(by: f)
            if overflow { return nil }
            total = p
        }
        return total
    }

    /// Checks that `factors` Float values (their product) can be held, and returns how many
    /// they are. `what` names the request in the error: "dim 100000000000".
    @discardableResult
    public static func floats(_ factors: [Int], for op: String, _ what: @autoclosure () -> String,
                              budget: Int = Limits.budget) throws -> Int {
        if let negative = factors.first(where: { $0 < 0 }) {
            throw ModelError(op, "\(what()): a size cannot be negative, got \(negative)")
        }
        var shown: String { factors.count > 1 ? " (" + factors.map(String.init).joined(separator: " × ") + " values)" : "" }
        guard let count = product(factors), case let (bytes, o) = count.multipliedReportingOverflow(by: 4), !o else {
            throw ModelError(op, "\(what()) needs more memory than any machine has\(shown)")
        }
        guard bytes <= budget else {
            throw ModelError(op, "\(what()) needs \(formatBytes(bytes))\(shown); this machine has \(formatBytes(physicalMemory))"
                             + " and one request may use \(formatBytes(budget))")
        }
        // Memory reserved for this very request (checked twice on its way) counts as free.
        if bytes >= largeRequest, let free = availableMemory().map({ $0 + BufferPool.shared.reservedFloats * 4 }), bytes > free {
            throw ModelError(op, "\(what()) needs \(formatBytes(bytes))\(shown); only \(formatBytes(free)) of memory is free now"
                             + " (this machine has \(formatBytes(physicalMemory)); names bound to big tensors hold theirs until rebound)")
        }
        if let long = factors.first(where: { $0 > maxDimension }) {
            throw ModelError(op, "\(what()): an axis of \(long) is longer than a tensor's longest (\(maxDimension))")
        }
        // In a statement, a big request's memory is taken now, where Ctrl-C can stop it.
        if bytes >= largeRequest, Interruption.flag != nil {
            try BufferPool.shared.reserve(count, check: Interruption.check)
        }
        return count
    }

    /// "4.5 TB", "24 GB", "512 MB" (powers of 1024, as memory is counted).
    public static func formatBytes(_ bytes: Int) -> String {
        let units = ["bytes", "KB", "MB", "GB", "TB", "PB", "EB"]
        var value = Double(bytes), unit = 0
        while value >= 1024 && unit < units.count - 1 { value /= 1024; unit += 1 }
        if unit == 0 { return "\(bytes) bytes" }
        return value < 10 ? String(format: "%.1f %@", value, units[unit]) : String(format: "%.0f %@", value, units[unit])
    }

    /// "2G", "512M", "1048576" → bytes (nil for anything else).
    static func parseBytes(_ text: String) -> Int? {
        let t = text.trimmingCharacters(in: .whitespaces).uppercased()
        let shifts: [Character: Int] = ["K": 10, "M": 20, "G": 30, "T": 40]
        var digits = Substring(t), shift = 0
        if let last = t.last, let s = shifts[last] { digits = t.dropLast(); shift = s }
        guard let n = Int(digits), n > 0, n < (1 << (62 - shift)) else { return nil }
        return n << shift
    }

    /// Frees memory taken for a request that was not made after all (the end of a statement).
    public static func dropReservation() { BufferPool.shared.dropReservation() }

    /// Requests from this size on (64 MB) are also checked against the memory free right now:
    /// within the budget is not enough when the session or other programs hold the rest, and
    /// an allocation the system cannot back ends the process (the kernel's OOM killer).
    static let largeRequest = 64 << 20

    /// Bytes that can be allocated and touched now: the kernel's estimate of available memory
    /// less a margin for the rest of the statement, and below the address-space limit
    /// (`ulimit -v`) when one is set. Nil when the system does not say.
    static func availableMemory() -> Int? {
        var free = meminfoField("MemAvailable:").map { $0 - margin }
        // In a container the cgroup's limit binds before the machine's memory does.
        if let cap = cgroupNumber("memory.max"), let used = cgroupNumber("memory.current") {
            free = Swift.min(free ?? Int.max, cap - used - margin)
        }
        var limit = rlimit()
        if getrlimit(Int32(RLIMIT_AS.rawValue), &limit) == 0, limit.rlim_cur != rlim_t.max,
           let used = addressSpaceInUse() {
            let room = Int(clamping: limit.rlim_cur) - used - margin
            free = Swift.min(free ?? room, room)
        }
        return free.map { Swift.max(0, $0) }
    }

    /// Left over for what a statement needs beside its biggest request (gradients, outputs).
    private static let margin = 256 << 20

    /// Bytes of address space this process has mapped (/proc/self/statm).
    private static func addressSpaceInUse() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
              let pages = text.split(separator: " ").first.flatMap({ Int($0) }) else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    private static func meminfoTotal() -> Int? { meminfoField("MemTotal:") }

    /// A number from the cgroup v2 controller files (nil for "max" or without cgroup v2).
    private static func cgroupNumber(_ file: String) -> Int? {
        guard let text = try? String(contentsOfFile: "/sys/fs/cgroup/" + file, encoding: .utf8) else { return nil }
        return Int(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// A /proc/meminfo line's value in bytes.
    private static func meminfoField(_ field: String) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix(field) }) else { return nil }
        let kb = line.split(separator: " ").dropFirst().first.flatMap { Int($0) }
        return kb.map { $0 * 1024 }
    }
}
