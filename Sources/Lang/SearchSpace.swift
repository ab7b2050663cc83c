/// The settings a `sweep` tries: every combination of the listed values (`grid`), or a
/// seeded random draw of `trials` of them (`random_grid`). Each trial is an ordered list of
/// (name, value), in the order the names were given.
final class SearchSpaceObject: LangObject {
    static let typeName = "search space"
    let names: [String]
    let trials: [[(name: String, value: Value)]]
    let kind: String

    init(names: [String], trials: [[(name: String, value: Value)]], kind: String) {
        self.names = names
        self.trials = trials
        self.kind = kind
    }

    var display: String { "\(kind) of \(trials.count) trial\(trials.count == 1 ? "" : "s") over " + names.joined(separator: ", ") }

    /// The lists given as keywords (each a non-empty list of numbers, strings or booleans).
    static func axes(_ a: Arguments) throws -> [(name: String, values: [Value])] {
        guard !a.extra.isEmpty else {
            throw LangError(.argument, "\(a.callee) needs at least one setting, as name: [values]", a.callSpan)
        }
        return try a.extra.map { e in
            guard case .list(let values) = e.value, !values.isEmpty else {
                throw LangError(.type, "\(a.callee): \(e.name) must be a non-empty list of values, e.g. \(e.name): [16, 32]", e.span)
            }
            for v in values {
                switch v {
                case .number, .string, .bool: continue
                default: throw LangError(.type, "\(a.callee): \(e.name) lists \(v.typeNameWithArticle); numbers, strings and true/false only", e.span)
                }
            }
            return (e.name, values)
        }
    }

    /// Every combination, the last name varying fastest.
    static func grid(_ axes: [(name: String, values: [Value])], limit: Int) throws -> [[(name: String, value: Value)]] {
        // Multiplied with a check at every step: a wrapped product (64 axes of 2) must not pass.
        var count = 1
        for axis in axes {
            let (product, overflow) = count.multipliedReportingOverflow(by: axis.values.count)
            guard !overflow, product <= limit else {
                throw LangError(.argument, "grid: more than \(limit) combinations; use random_grid(trials: N, …) to draw some", nil)
            }
            count = product
        }
        var trials: [[(name: String, value: Value)]] = [[]]
        for axis in axes {
            trials = trials.flatMap { t in axis.values.map { t + [(axis.name, $0)] } }
        }
        return trials
    }
}

enum SearchBuiltins {
    static let maxTrials = 10_000

    static func register(_ r: inout Registry) {
        r.add(Builtin("grid", [], summary: "Every combination of the listed settings, for sweep.",
                      doc: "Names the recipe takes go to it; lr, batch and epochs go to training.",
                      example: "space = grid(dim: [16, 32], dropout: [0, 0.3], lr: [0.05, 0.1])", freeKeywords: true, named: "name: [values]") { a, _ in
            let axes = try SearchSpaceObject.axes(a)
            do {
                return .object(SearchSpaceObject(names: axes.map(\.name), trials: try SearchSpaceObject.grid(axes, limit: maxTrials), kind: "grid"))
            } catch let e as LangError {
                throw e.at(a.callSpan)
            }
        })
        r.add(Builtin("random_grid", [Parameter("trials", "whole number")],
                      summary: "A seeded random draw of combinations of the listed settings, for sweep.",
                      doc: "Each trial draws every setting uniformly from its list (repeats possible); the session's seed decides.",
                      example: "space = random_grid(12, dim: [16, 32, 64], dropout: [0, 0.2, 0.5], lr: [0.02, 0.05, 0.1])",
                      freeKeywords: true, named: "name: [values]") { a, s in
            let n = try a.int("trials", min: 1)
            guard n <= maxTrials else { throw LangError(.argument, "random_grid: at most \(maxTrials) trials, got \(n)", a.span("trials")) }
            let axes = try SearchSpaceObject.axes(a)
            let trials = (0..<n).map { _ in axes.map { (name: $0.name, value: $0.values[s.rng.below($0.values.count)]) } }
            return .object(SearchSpaceObject(names: axes.map(\.name), trials: trials, kind: "random grid"))
        })
    }
}
