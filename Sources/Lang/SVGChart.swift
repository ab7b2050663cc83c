import Foundation

/// Draws a `Chart` as one self-contained SVG document: a title, axes with ticks and labels,
/// a right axis for series read on it (a validation metric beside a loss), and a legend.
public enum SVGChart {
    static let palette = ["#4a7bd0", "#d0744a", "#3a9a5b", "#8a5bd0", "#c0392b"]

    public static func render(_ chart: Chart, width: Double = 560, height: Double = 260) -> String {
        let frame = Frame(width: width, height: height, hasRight: chart.series.contains { $0.axis == .right })
        let xs = chart.series.flatMap { $0.points.map(\.x) }
        let x = Scale(values: xs, from: frame.left, to: frame.right, integral: true)
        let left = Scale(values: values(chart, .left), from: frame.bottom, to: frame.top)
        let right = Scale(values: values(chart, .right), from: frame.bottom, to: frame.top)
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" font-family=\"sans-serif\" font-size=\"11\">"
        svg += "<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>"
        svg += text(chart.title, x: width / 2, y: 16, anchor: "middle", size: 13)
        svg += axes(frame, x: x, left: left, right: frame.hasRight ? right : nil)
        svg += text(chart.xLabel, x: (frame.left + frame.right) / 2, y: height - 6, anchor: "middle")
        svg += text(chart.yLabel, x: 12, y: (frame.top + frame.bottom) / 2, anchor: "middle", rotate: true)
        if let r = chart.rightLabel, frame.hasRight {
            svg += text(r, x: width - 8, y: (frame.top + frame.bottom) / 2, anchor: "middle", rotate: true)
        }
        for (k, s) in chart.series.enumerated() {
            svg += line(s, x: x, y: s.axis == .left ? left : right, colour: palette[k % palette.count])
            svg += legend(s.name, index: k, frame: frame, colour: palette[k % palette.count])
        }
        return svg + "</svg>"
    }

    static func values(_ chart: Chart, _ axis: Chart.Series.Axis) -> [Double] {
        chart.series.filter { $0.axis == axis }.flatMap { $0.points.map(\.y) }
    }

    /// The plotting area inside the margins.
    struct Frame {
        let width: Double, height: Double, hasRight: Bool
        var left: Double { 62 }
        var right: Double { width - (hasRight ? 62 : 20) }
        var top: Double { 30 }
        var bottom: Double { height - 42 }
    }

    /// A linear map from data to pixels over "nice" tick values covering the data.
    struct Scale {
        let ticks: [Double]
        let lo: Double, hi: Double, from: Double, to: Double

        init(values: [Double], from: Double, to: Double, integral: Bool = false) {
            let finite = values.filter(\.isFinite)
            // Kept within ±1e300 so that the span hi − lo stays finite (a loss can reach 1e308).
            var lo = Swift.min(Swift.max(finite.min() ?? 0, -Self.limit), Self.limit)
            var hi = Swift.min(Swift.max(finite.max() ?? 1, -Self.limit), Self.limit)
            // A flat series gets a band around it that shows at its magnitude: ±0.5 vanishes
            // at 1e16, where it would leave a zero span and a zero tick step.
            if hi <= lo { let pad = Swift.max(0.5, abs(lo) / 100); lo -= pad; hi += pad }
            let raw = (hi - lo) / 5, magnitude = pow(10, floor(log10(raw)))
            var step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? raw
            if integral { step = Swift.max(1, step.rounded(.up)) }
            let first = (lo / step).rounded(.down) * step, last = (hi / step).rounded(.up) * step
            // About six ticks; a step lost in the values' rounding would give none or endless ones.
            ticks = step > 0 && (last - first) / step <= 20
                ? stride(from: first, through: last + step / 2, by: step).map { $0 } : [first, last]
            self.lo = first
            self.hi = last > first ? last : first + step
            self.from = from
            self.to = to
        }

        func callAsFunction(_ v: Double) -> Double { from + (v - lo) / (hi - lo) * (to - from) }

        static let limit = 1e300
    }

    static func axes(_ f: Frame, x: Scale, left: Scale, right: Scale?) -> String {
        var s = "<g stroke=\"#888\" fill=\"none\"><rect x=\"\(f.left)\" y=\"\(f.top)\" width=\"\(f.right - f.left)\" height=\"\(f.bottom - f.top)\"/></g>"
        for t in x.ticks {
            s += "<line x1=\"\(fmt(x(t)))\" y1=\"\(f.bottom)\" x2=\"\(fmt(x(t)))\" y2=\"\(f.bottom + 4)\" stroke=\"#888\"/>"
            s += text(label(t), x: x(t), y: f.bottom + 16, anchor: "middle")
        }
        for t in left.ticks {
            s += "<line x1=\"\(f.left)\" y1=\"\(fmt(left(t)))\" x2=\"\(f.right)\" y2=\"\(fmt(left(t)))\" stroke=\"#eee\"/>"
            s += text(label(t), x: f.left - 6, y: left(t) + 4, anchor: "end")
        }
        for t in right?.ticks ?? [] {
            s += text(label(t), x: f.right + 6, y: right!(t) + 4, anchor: "start")
        }
        return s
    }

    static func line(_ s: Chart.Series, x: Scale, y: Scale, colour: String) -> String {
        let points = s.points.filter { $0.y.isFinite }.map { "\(fmt(x($0.x))),\(fmt(y($0.y)))" }
        guard !points.isEmpty else { return "" }
        var out = "<polyline fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\" points=\"\(points.joined(separator: " "))\"/>"
        if points.count == 1, let p = s.points.first {
            out += "<circle cx=\"\(fmt(x(p.x)))\" cy=\"\(fmt(y(p.y)))\" r=\"3\" fill=\"\(colour)\"/>"
        }
        return out
    }

    static func legend(_ name: String, index: Int, frame: Frame, colour: String) -> String {
        let y = frame.top + 14 + Double(index) * 15, x = frame.right - 150
        return "<line x1=\"\(fmt(x))\" y1=\"\(fmt(y - 4))\" x2=\"\(fmt(x + 18))\" y2=\"\(fmt(y - 4))\" stroke=\"\(colour)\" stroke-width=\"2\"/>"
            + text(name, x: x + 24, y: y, anchor: "start")
    }

    static func text(_ s: String, x: Double, y: Double, anchor: String, size: Int = 11, rotate: Bool = false) -> String {
        let transform = rotate ? " transform=\"rotate(-90 \(fmt(x)) \(fmt(y)))\"" : ""
        return "<text x=\"\(fmt(x))\" y=\"\(fmt(y))\" text-anchor=\"\(anchor)\" font-size=\"\(size)\" fill=\"#222\"\(transform)>\(escape(s))</text>"
    }

    static func label(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e6 ? String(Int(v)) : String(format: "%.3g", v)
    }

    static func fmt(_ v: Double) -> String { String(format: "%.1f", v) }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
