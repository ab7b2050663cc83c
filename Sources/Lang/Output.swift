import Foundation
import Model

/// What a session hands its front end while statements run. Lang never prints: the REPL,
/// `rec run`, `:export`, the golden tests and the notebook kernel each render these.
public enum Output {
    /// A bare expression's value (not emitted for `;`-silenced statements). Front ends show
    /// `value.display`, and may render `value.table` / `value.chart` richly.
    case value(Value)
    /// A line a statement reports as it works (an epoch's summary, "wrote FILE").
    case note(String)
    /// Something the user should know that is not an error (a clamped setting, merged duplicates).
    case warning(String)
    /// Transient progress of a long statement; the next progress, note or value replaces it.
    case progress(ProgressReport)
    /// A statement failed; `source` is the text its span refers to (for the caret).
    case error(LangError, source: SourceText)
}

/// A long statement's progress: a line of text and, when known, the fraction done.
public struct ProgressReport: Sendable {
    public let text: String
    public let fraction: Double?
    public init(_ text: String, fraction: Double?) {
        self.text = text
        self.fraction = fraction
    }
}

/// Source text that spans refer to: the text and the line number of its first line (a
/// statement read from line 40 of a file keeps its real line numbers without padding).
public struct SourceText: Sendable {
    public let text: String
    public let firstLine: Int
    public init(_ text: String, firstLine: Int = 1) {
        self.text = text
        self.firstLine = firstLine
    }

    /// The text of line `line` (1-based, in the numbering of the whole input), if it is here.
    public func line(_ line: Int) -> Substring? {
        let k = line - firstLine
        guard k >= 0 else { return nil }
        var current = 0
        for l in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if current == k { return l }
            current += 1
        }
        return nil
    }
}

/// A line chart's data: named series of (x, y) points with axis labels. Front ends draw it
/// (SVG for pages and notebooks, sparklines in a terminal).
public struct Chart: Sendable {
    public struct Series: Sendable {
        /// Which y axis the series is read on: the left, or a right one with its own scale
        /// (a loss and a validation metric in one chart).
        public enum Axis: Sendable { case left, right }
        public let name: String
        public let points: [Point]
        public let axis: Axis
        public init(name: String, points: [Point], axis: Axis = .left) {
            self.name = name
            self.points = points
            self.axis = axis
        }
    }
    public struct Point: Sendable {
        public let x: Double, y: Double
        public init(_ x: Double, _ y: Double) { self.x = x; self.y = y }
    }
    public let title: String
    public let xLabel: String
    /// The left axis' label, and the right one's when a series is read on it.
    public let yLabel: String
    public let rightLabel: String?
    public let series: [Series]

    public init(title: String, xLabel: String, yLabel: String, rightLabel: String? = nil, series: [Series]) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.rightLabel = rightLabel
        self.series = series
    }
}

extension LangObject {
    public var table: Table? { nil }
    public var chart: Chart? { nil }
    public var records: Table? { table }
}

extension Output {
    /// The output as plain text, as a terminal or a log shows it (nil: progress, or nothing to show).
    public var plainText: String? {
        switch self {
        case .value(let v): return v.display.isEmpty ? nil : v.display
        case .note(let line): return line
        case .warning(let message): return "warning: " + message
        case .progress: return nil
        case .error(let e, let source): return Diagnostic.render(e, source: source).trimmingCharacters(in: .newlines)
        }
    }

    /// Whether it belongs on the error stream (errors and warnings) rather than with results.
    public var isDiagnostic: Bool {
        switch self {
        case .warning, .error: return true
        case .value, .note, .progress: return false
        }
    }
}
