import Foundation

/// A line chart as SVG (the loss per epoch of a history).
public enum SVGChart {
    public static func line(_ values: [Double], label: String, width: Double = 480, height: Double = 160) -> String {
        guard values.count >= 1, let lo = values.min(), let hi = values.max() else { return "" }
        let pad = 30.0, span = hi > lo ? hi - lo : 1
        let points = values.enumerated().map { k, v -> String in
            let x = pad + (values.count == 1 ? 0 : Double(k) / Double(values.count - 1)) * (width - 2 * pad)
            let y = height - pad - (v - lo) / span * (height - 2 * pad)
            return String(format: "%.1f,%.1f", x, y)
        }.joined(separator: " ")
        return """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))">\
        <rect width="100%" height="100%" fill="#fff"/>\
        <polyline fill="none" stroke="#4a7bd0" stroke-width="2" points="\(points)"/>\
        <text x="\(pad)" y="16" font-size="12" font-family="sans-serif">\(label)</text>\
        <text x="2" y="\(pad)" font-size="10" font-family="sans-serif">\(String(format: "%.4g", hi))</text>\
        <text x="2" y="\(height - pad)" font-size="10" font-family="sans-serif">\(String(format: "%.4g", lo))</text>\
        </svg>
        """
    }
}
