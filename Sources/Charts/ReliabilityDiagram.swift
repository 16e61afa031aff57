/// The reliability diagram of a classifier's confidence: per bin, the share of predictions that were right against
/// the bins' mean confidence, over the diagonal a calibrated model follows, each point labelled with its count.
public enum ReliabilityDiagram {
    /// One bin: its mean confidence, its accuracy, and how many predictions it holds.
    public typealias Bin = (confidence: Double, accuracy: Double, count: Int)

    /// A chart of one series per entry of `series` (e.g. before and after temperature scaling), both axes 0–1.
    /// Counts label the first series' points, where they fit.
    public static func chart(title: String, series: [(name: String, bins: [Bin])]) -> LineChart {
        var chart = LineChart(title: title, xLabel: "mean confidence in bin", yLabel: "accuracy in bin")
        chart.xRange = 0...1
        chart.yRange = 0...1
        chart.referenceLines = [.diagonal(label: "perfectly calibrated")]
        let colors: [ChartColor] = [.orange, .blue]
        for (index, entry) in series.enumerated() {
            chart.add(series: .init(name: entry.name, points: entry.bins.map { ($0.confidence, $0.accuracy) },
                                    color: colors[index % colors.count], marker: .circle))
        }
        chart.pointLabels = series.first?.bins.map { .init(x: $0.confidence, y: $0.accuracy, text: "n=\($0.count)") } ?? []
        return chart
    }
}
