/// Checks a graph's analytic gradients against central finite differences. Used by the tests
/// for every op, layer and loss, and by the workbench's `gradcheck`.
public enum GradientCheck {
    public struct Result: CustomStringConvertible, Sendable {
        /// The largest |analytic − numeric| / max(|analytic|, |numeric|, floor) seen.
        public let maxError: Float
        public let checked: Int
        /// How many checked entries had a gradient clearly away from zero (a check where all
        /// of them are zero proves nothing).
        public let nonZero: Int
        /// Where the largest error was: parameter name, flat index and both values.
        public let worst: String

        public var description: String {
            "gradient check: \(checked) entries (\(nonZero) non-zero), max relative error \(maxError) (\(worst))"
        }
    }

    /// `loss` must compute the same function each call (reseed any randomness inside it).
    /// Up to `samples` entries of each parameter are perturbed by ±epsilon.
    public static func run(parameters: [Variable], samples: Int = 24, epsilon: Float = 1e-2,
                           floor: Float = 1e-2, seed: UInt64 = 7,
                           _ loss: () throws -> Variable) throws -> Result {
        for p in parameters { p.zeroGrad() }
        try loss().backward()
        let analytic = parameters.map(\.denseGrad)
        for p in parameters { p.zeroGrad() }

        let rng = RandomSource(seed: seed)
        var maxError: Float = 0, checked = 0, nonZero = 0, worst = "none"
        for (pi, p) in parameters.enumerated() {
            let n = p.value.count
            let picks = n <= samples ? Array(0..<n) : (0..<samples).map { _ in rng.below(n) }
            for i in picks {
                let original = p.value.pointer[i]
                p.value.pointer[i] = original + epsilon
                let up = try Autodiff.inference { try loss().value.item }
                p.value.pointer[i] = original - epsilon
                let down = try Autodiff.inference { try loss().value.item }
                p.value.pointer[i] = original
                let numeric = Float((Double(up) - Double(down)) / (2 * Double(epsilon)))
                let a = analytic[pi].pointer[i]
                let err = abs(a - numeric) / Swift.max(abs(a), abs(numeric), floor)
                checked += 1
                if abs(numeric) > 1e-4 { nonZero += 1 }
                if err > maxError || err.isNaN {
                    maxError = err.isNaN ? .infinity : err
                    worst = "\(p.name.isEmpty ? "parameter \(pi)" : p.name)[\(i)]: analytic \(a), numeric \(numeric)"
                }
            }
        }
        return Result(maxError: maxError, checked: checked, nonZero: nonZero, worst: worst)
    }
}
