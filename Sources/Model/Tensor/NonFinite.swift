import CKernels

extension Tensor {
    /// How many elements are NaN and how many ±infinite (one vectorised pass), and the flat
    /// index of the first of either: what a check of an input reports before it is used.
    public var nonFinite: (nan: Int, infinite: Int, first: Int?) {
        var nan: Int64 = 0, infinite: Int64 = 0
        rk_count_nonfinite(pointer, Int64(count), &nan, &infinite)
        guard nan + infinite > 0 else { return (0, 0, nil) }
        return (Int(nan), Int(infinite), (0..<count).first { !pointer[$0].isFinite })
    }
}
