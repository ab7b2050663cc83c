extension Sparkline {
    /// The block (0–7) of `v` in [lo, hi]. A flat series, NaN or ±inf (a diverged loss) get
    /// the middle block: converting them to Int would trap.
    static func level(_ v: Double, lo: Double, hi: Double) -> Int {
        let x = (v - lo) / (hi - lo) * 7.999
        guard x.isFinite else { return 3 }
        return Swift.min(7, Swift.max(0, Int(x)))
    }
}
