/// A chart as a value (`plot(hist)`): its text drawing is what the prompt prints, and front
/// ends that draw (the notebook kernel) render its chart as SVG instead.
final class ChartObject: LangObject {
    static let typeName = "chart"
    let text: String
    let chart: Chart?
    init(text: String, chart: Chart) {
        self.text = text
        self.chart = chart
    }
    var display: String { text }
}
