import Model

/// The checked ways a builtin turns a user's number into something it computes with: a size
/// that must fit in memory, a finite number, a Float. NaN, ±inf and numbers beyond Int or
/// Float become errors at the argument's span; nothing here traps.
extension Arguments {
    /// A whole number ≥ `min` that sizes an allocation together with `times` (the other
    /// factors of the tensor it makes): checked against the machine by `Limits.floats`.
    public func size(_ name: String, default d: Int? = nil, min: Int = 1, times others: [Int] = []) throws -> Int {
        let n = try int(name, default: d, min: min)
        try limit(name, others + [n], "\(name) \(n)")
        return n
    }

    /// Checks that a tensor of `factors` values can be held; the error names `name`'s span.
    public func limit(_ name: String, _ factors: [Int], _ what: String) throws {
        do {
            try Limits.floats(factors, for: callee, what)
        } catch let e as ModelError {
            throw LangError(.argument, e.description, span(name))
        }
    }

    /// A number that is neither NaN nor infinite.
    public func finite(_ name: String, default d: Double? = nil) throws -> Double {
        let x = try number(name, default: d)
        guard x.isFinite else {
            throw LangError(.argument, "\(callee): \(name) must be a finite number, got \(Value.format(x))", span(name))
        }
        return x
    }

    /// A finite number that stays finite as a Float (the core computes in Float32).
    public func float(_ name: String, default d: Double? = nil) throws -> Float {
        let x = try finite(name, default: d)
        guard Float(x).isFinite else {
            throw LangError(.argument, "\(callee): \(name) is beyond the range of 32-bit floats (±3.4e38), got \(Value.format(x))", span(name))
        }
        return Float(x)
    }
}
