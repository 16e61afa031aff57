/// Two samples of one variable as histograms over the same bins, drawn over each other: how a property of the
/// training images compares with the same property of new images.
///
/// Each bar is the share of its own sample in the bin, so samples of different sizes compare directly; the bars
/// are translucent, so where both have mass the colours mix. Non-finite values are left out.
public struct OverlaidHistogram: Sendable {
    /// One sample with the name its legend entry shows.
    public struct Series: Sendable {
        /// The legend name.
        public var name: String
        /// The values.
        public var values: [Double]

        /// A series called `name`.
        public init(name: String, values: [Double]) { (self.name, self.values) = (name, values) }
    }

    /// Centred above the plot, in bold.
    public var title: String
    /// The variable's axis title.
    public var valueLabel: String
    /// The two samples (any number draws; the first two colours of the palette go first).
    public var series: [Series]
    /// Equal-width bins between the smallest and the largest value of all series.
    public var binCount: Int
    /// Colours, sizes and fonts.
    public var style = ChartStyle.standard

    /// A histogram of `series` in `binCount` bins.
    public init(title: String = "", valueLabel: String = "", series: [Series] = [], binCount: Int = 20) {
        (self.title, self.valueLabel, self.series, self.binCount) = (title, valueLabel, series, max(1, binCount))
    }

    /// Each series' share of its values in each bin, and the bins' span; nil when there is no finite value.
    public func bins() -> (range: ClosedRange<Double>, shares: [[Double]])? {
        let finite = series.map { $0.values.filter(\.isFinite) }
        let all = finite.flatMap { $0 }
        guard let low = all.min(), let high = all.max() else { return nil }
        // A constant variable gets one unit of width, so its single bar still has a place.
        let range = low < high ? low...high : (low - 0.5)...(high + 0.5)
        let width = (range.upperBound - range.lowerBound) / Double(binCount)
        let shares = finite.map { values -> [Double] in
            var counts = [Double](repeating: 0, count: binCount)
            for v in values { counts[min(binCount - 1, Int((v - range.lowerBound) / width))] += 1 }
            return counts.map { values.isEmpty ? 0 : $0 / Double(values.count) }
        }
        return (range, shares)
    }

    /// The chart as SVG, `width` × `height` CSS pixels.
    public func render(width: Double = 480, height: Double = 300) -> SVG {
        let frame = ChartFrame(style: style)
        var canvas = SVGCanvas(width: width, height: height, style: style)
        let top = frame.topMargin(title: title), bottom = height - frame.bottomMargin(axisTitle: valueLabel)
        guard let (range, shares) = bins(), bottom > top else {
            let plot = ChartRect(x: style.padding, y: top, width: max(0, width - 2 * style.padding), height: max(0, bottom - top))
            frame.drawFrame(plot, on: &canvas)
            frame.drawNote("no data", in: plot, on: &canvas)
            frame.drawTitle(title, over: plot, on: &canvas)
            return canvas.svg(title: title)
        }
        let highest = shares.flatMap { $0 }.max() ?? 1
        let yTicks = frame.ticks(covering: 0...max(highest, 1e-9), fixed: false, style: .percent, length: bottom - top,
                                 preferredSpacing: 45, labelExtent: { _ in style.lineHeight + 6 })
        let left = frame.leftMargin(labelWidth: yTicks.labels.map { style.width(of: $0) }.max() ?? 0, axisTitle: "share of images")
        let right = width - style.padding
        let xTicks = frame.ticks(covering: range, fixed: true, style: .number, length: right - left, preferredSpacing: 80,
                                 labelExtent: { ticks in (ticks.labels.map { style.width(of: $0) }.max() ?? 0) + 14 })
        let plot = ChartRect(x: left, y: top, width: right - left, height: bottom - top)
        let x = LinearScale(range: xTicks.range, start: plot.x, end: plot.maxX)
        let y = LinearScale(range: yTicks.range, start: plot.maxY, end: plot.y)
        frame.drawGrid(columns: [], rows: yTicks.values.map { y($0) }, in: plot, on: &canvas)
        frame.drawYAxis(ticks: Array(zip(yTicks.values.map { y($0) }, yTicks.labels)), title: "share of images", beside: plot, on: &canvas)
        frame.drawXAxis(ticks: Array(zip(xTicks.values.map { x($0) }, xTicks.labels)), title: valueLabel, below: plot, on: &canvas)
        let binWidth = (range.upperBound - range.lowerBound) / Double(binCount)
        for (index, row) in shares.enumerated() {
            let color = style.color(at: index)
            for (b, share) in row.enumerated() where share > 0 {
                let start = x.clamped(range.lowerBound + Double(b) * binWidth), end = x.clamped(range.lowerBound + Double(b + 1) * binWidth)
                let topY = y.clamped(share)
                canvas.fill(ChartRect(x: start, y: topY, width: end - start, height: plot.maxY - topY), with: color, opacity: 0.45, stroke: color)
            }
        }
        frame.drawFrame(plot, on: &canvas)
        let legend = ChartLegend(entries: series.enumerated().map { index, s in
            ChartLegend.Entry(name: s.name, color: style.color(at: index), lineWidth: 8, marker: nil, dash: nil)
        }, style: style)
        let size = legend.size
        legend.draw(in: ChartRect(x: plot.maxX - size.width - 6, y: plot.y + 6, width: size.width, height: size.height), on: &canvas)
        frame.drawTitle(title, over: plot, on: &canvas)
        return canvas.svg(title: title)
    }
}
