/// A ridge regression from feature rows F to target rows Y in closed form,
/// W = (FᵀF + λI)⁻¹ Fᵀ Y, with F and Y centred on their means first, so every target column
/// has an unpenalised intercept: a new row f is predicted as ȳ + (f − f̄)·W. Shared by the
/// content → user ridge (targets: each user's likes) and the content → item-vector mapping
/// (targets: fitted item vectors).
struct CentredRidge {
    let weights: Tensor     // W, [d, targets]
    let offset: [Float]     // ȳ − f̄·W: the prediction at the mean features

    /// `features` [n, d] and `targets` [n, t] are centred in place.
    init(features f: Tensor, targets y: Tensor, lambda: Float, op: String,
         monitor: (any ProgressMonitor)? = nil) throws {
        let d = f.shape[1], t = y.shape[1]
        let (meanF, meanY) = (Self.centre(f), Self.centre(y))
        try monitor?.advance(0.3, "\(op): solving \(d) × \(d)")
        let a = try f.matmul(f, transposeSelf: true)
        for j in 0..<d { a.pointer[j * d + j] += lambda }
        guard Cholesky.invert(a.pointer, n: d) else {
            throw ModelError(op, "FᵀF + λI is not positive definite in single precision; raise lambda (\(lambda))")
        }
        weights = try a.matmul(try f.matmul(y, transposeSelf: true))
        let atMean = try Tensor(shape: Shape(1, d), values: meanF).matmul(weights)
        offset = (0..<t).map { meanY[$0] - atMean.pointer[$0] }
    }

    /// ȳ + (f − f̄)·W for each row of `rows` [n, d].
    func predict(_ rows: Tensor) throws -> Tensor {
        let s = try rows.matmul(weights), t = offset.count
        offset.withUnsafeBufferPointer { o in
            for r in 0..<rows.shape[0] { Kernels.add(o.baseAddress!, into: s.pointer + r * t, t) }
        }
        return s
    }

    /// Subtracts each column's mean from it and returns the means.
    private static func centre(_ m: Tensor) -> [Float] {
        let (rows, columns) = (m.shape[0], m.shape[1])
        var mean = [Float](repeating: 0, count: columns)
        guard rows > 0 else { return mean }
        for r in 0..<rows { for c in 0..<columns { mean[c] += m.pointer[r * columns + c] } }
        for c in 0..<columns { mean[c] /= Float(rows) }
        for r in 0..<rows { for c in 0..<columns { m.pointer[r * columns + c] -= mean[c] } }
        return mean
    }
}
