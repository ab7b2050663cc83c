import Lang

/// Statements that reproduce a failure: setup lines from the prelude, then statements.
struct Reproducer: Sendable {
    let setup: [String]
    let statements: [String]
    var length: Int { (setup + statements).reduce(0) { $0 + $1.count + 1 } }
}

/// Finds the shortest statements that still fail the same way (same signal and top frame, or
/// a hang again): the failing statement alone with the prelude entries it needs if that does
/// it; else delta debugging over the statements that ran before it in the same child.
struct Shrinker {
    let settings: ChildSettings
    let prelude: FuzzPrelude
    /// Seconds allowed per failure (a trial that hangs again takes the stall and grace time).
    let budget: Double

    func shrink(_ f: Failure, batch: [String]) -> Reproducer? {
        guard f.index >= f.start, f.index < batch.count else { return nil }
        let deadline = ChildRun.now() + budget
        var trial = settings
        if f.kind == .hang { trial.stall = Swift.min(settings.stall, 1) }
        func fails(_ setup: [String], _ statements: [String]) -> Bool {
            guard ChildRun.now() < deadline else { return false }
            guard let r = try? ChildRun.run(setup + statements, trial, setup: setup.count) else { return false }
            return Self.matches(r, f)
        }
        let culprit = batch[f.index], all = prelude.entries.map(\.source)
        let needed = prelude.needed(by: [culprit]).map(\.source)
        if fails(needed, [culprit]) { return Reproducer(setup: needed, statements: [culprit]) }
        if needed.count < all.count && fails(all, [culprit]) {
            return Reproducer(setup: ddmin(all) { fails($0, [culprit]) }, statements: [culprit])
        }
        let context = Array(batch[f.start..<f.index])
        guard !context.isEmpty, fails(all, context + [culprit]) else { return nil }
        let kept = ddmin(context) { fails(all, $0 + [culprit]) } + [culprit]
        let setup = prelude.needed(by: kept).map(\.source)
        return Reproducer(setup: setup.count < all.count && fails(setup, kept) ? setup : all, statements: kept)
    }

    static func matches(_ r: ChildResult, _ f: Failure) -> Bool {
        switch (r.ending, f.kind) {
        case (.crashed(let signal, let output), .crash): return FailureSignature.crash(signal: signal, output: output) == f.signature
        case (.exited(let status, _), .crash): return FailureSignature.exit(status) == f.signature
        case (.hung, .hang): return true
        default: return false
        }
    }

    /// Delta debugging (complements only): the smallest subsequence found for which `test`
    /// holds (`test` says no once the time is spent, which ends the search).
    func ddmin(_ items: [String], _ test: ([String]) -> Bool) -> [String] {
        var items = items, parts = 2
        while items.count >= 2 {
            let chunk = (items.count + parts - 1) / parts
            var reduced = false
            for lower in stride(from: 0, to: items.count, by: chunk) {
                let complement = Array(items[..<lower] + items[Swift.min(items.count, lower + chunk)...])
                if test(complement) {
                    items = complement
                    parts = Swift.max(parts - 1, 2)
                    reduced = true
                    break
                }
            }
            if !reduced {
                if parts >= items.count { break }
                parts = Swift.min(items.count, parts * 2)
            }
        }
        if items.count == 1 && test([]) { return [] }
        return items
    }
}
