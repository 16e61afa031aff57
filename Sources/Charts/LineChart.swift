/// A chart of named series of (x, y) points joined by lines: training curves, ROC curves.
///
/// Axes get "nice" ticks (1, 2 or 5 × 10^k apart) with grid lines; the legend goes in the plot
/// corner that hides the least data. Non-finite points are skipped, breaking the line there.
///
/// ```swift
/// var chart = LineChart(title: "Loss", xLabel: "step", yLabel: "cross-entropy")
/// chart.add(series: .init(name: "training", points: [(0, 0.69), (10, 0.5)], color: .blue))
/// let svg = chart.render(width: 640, height: 400)
/// ```
public struct LineChart: Sendable {
    /// A shape drawn at each data point.
    public enum Marker: Sendable, Hashable, CaseIterable {
        /// A filled disc.
        case circle
        /// A filled axis-aligned square.
        case square
        /// A filled square standing on a corner.
        case diamond
    }

    /// A dash pattern: `on` units drawn, then `off` units left out, repeating.
    public struct Dash: Sendable, Hashable {
        /// Length of each drawn dash.
        public var on: Double
        /// Length of each gap.
        public var off: Double

        /// The pattern `on` drawn, `off` skipped.
        public init(on: Double, off: Double) {
            (self.on, self.off) = (on, off)
        }

        /// The default dashes of guide lines.
        public static let standard = Dash(on: 6, off: 4)
    }

    /// One named line.
    public struct Series: Sendable {
        /// The legend text; a series with an empty name is left out of the legend.
        public var name: String
        /// The data, in drawing order (usually ascending x).
        public var points: [(x: Double, y: Double)]
        /// Line and marker colour; nil takes the style's palette colour for this series' position.
        public var color: ChartColor?
        /// A marker drawn at every point, or nil for the line alone.
        public var marker: Marker?
        /// A dash pattern, or nil for a solid line.
        public var dash: Dash?
        /// Line width; nil takes the style's.
        public var lineWidth: Double?

        /// A series of `points` labelled `name` in the legend.
        public init(
            name: String, points: [(x: Double, y: Double)], color: ChartColor? = nil, marker: Marker? = nil,
            dash: Dash? = nil, lineWidth: Double? = nil
        ) {
            (self.name, self.points, self.color) = (name, points, color)
            (self.marker, self.dash, self.lineWidth) = (marker, dash, lineWidth)
        }
    }

    /// A straight guide line that is not data, such as the chance diagonal of a ROC curve.
    public struct ReferenceLine: Sendable {
        /// One end; an infinite coordinate reaches the edge of the plot.
        public var from: (x: Double, y: Double)
        /// The other end; an infinite coordinate reaches the edge of the plot.
        public var to: (x: Double, y: Double)
        /// Legend text, or nil to leave it out of the legend.
        public var label: String?
        /// Line colour.
        public var color: ChartColor
        /// Dash pattern, or nil for solid.
        public var dash: Dash?

        /// A guide from `from` to `to`, grey and dashed unless told otherwise.
        public init(
            from: (x: Double, y: Double), to: (x: Double, y: Double), label: String? = nil,
            color: ChartColor = ChartColor(hex: 0x9A9A9A), dash: Dash? = .standard
        ) {
            (self.from, self.to, self.label, self.color, self.dash) = (from, to, label, color, dash)
        }

        /// The line y = x from (0, 0) to (1, 1): a classifier that guesses.
        public static func diagonal(label: String? = "chance") -> ReferenceLine {
            ReferenceLine(from: (0, 0), to: (1, 1), label: label)
        }

        /// A level line at `y` across the whole plot, such as a target accuracy.
        public static func horizontal(y: Double, label: String? = nil) -> ReferenceLine {
            ReferenceLine(from: (-.infinity, y), to: (.infinity, y), label: label)
        }
    }

    /// A short text at a data point, such as the number of samples behind it.
    public struct PointLabel: Sendable {
        /// The point's data coordinates.
        public var x: Double
        public var y: Double
        /// What is written above it.
        public var text: String

        /// `text` above the point (`x`, `y`).
        public init(x: Double, y: Double, text: String) {
            (self.x, self.y, self.text) = (x, y, text)
        }
    }

    /// Where everything goes for one output size; `render` draws exactly this.
    public struct Layout: Sendable {
        /// The plot area, inside the axis frame.
        public let plot: ChartRect
        /// Ticks along the bottom; `xTicks.range` is the x span shown.
        public let xTicks: AxisTicks
        /// Ticks up the left side; `yTicks.range` is the y span shown.
        public let yTicks: AxisTicks
        /// The legend box, or nil when there is none.
        public let legend: ChartRect?
        let x: LinearScale
        let y: LinearScale

        /// Where the data point (`x`, `y`) is drawn.
        public func position(x: Double, y: Double) -> (x: Double, y: Double) { (self.x(x), self.y(y)) }
    }

    /// Centred above the plot, in bold.
    public var title: String
    /// The x-axis title, under the tick labels.
    public var xLabel: String
    /// The y-axis title, running upward left of the tick labels.
    public var yLabel: String
    /// The lines, drawn in this order (later ones on top).
    public var series: [Series] = []
    /// Guide lines drawn under the series.
    public var referenceLines: [ReferenceLine] = []
    /// Texts drawn just above their points, in order; one that would overlap a label already drawn, or leave the
    /// plot, is left out, so where points crowd the chart needs the numbers shown beside it too.
    public var pointLabels: [PointLabel] = []
    /// The x span to show, or nil to fit the data with whole ticks at both ends.
    public var xRange: ClosedRange<Double>?
    /// The y span to show (e.g. 0...1 for accuracy), or nil to fit the data.
    public var yRange: ClosedRange<Double>?
    /// How y tick labels are written: as numbers or, for rates, as percentages.
    public var yTickStyle: AxisTicks.Style = .number
    /// Whether to draw the legend (only ever drawn for named series and labelled reference lines).
    public var showsLegend = true
    /// Colours, sizes and fonts.
    public var style = ChartStyle.standard

    /// An empty chart with these titles.
    public init(title: String = "", xLabel: String = "", yLabel: String = "") {
        (self.title, self.xLabel, self.yLabel) = (title, xLabel, yLabel)
    }

    /// A ROC chart: both axes fixed to 0...1 and the dashed chance diagonal; add one series per curve.
    public static func roc(title: String = "ROC curve") -> LineChart {
        var chart = LineChart(title: title, xLabel: "false positive rate", yLabel: "true positive rate")
        chart.xRange = 0...1
        chart.yRange = 0...1
        chart.referenceLines = [.diagonal()]
        return chart
    }

    /// Appends a line.
    public mutating func add(series newSeries: Series) {
        series.append(newSeries)
    }

    /// The chart as SVG, `width` × `height` CSS pixels.
    public func render(width: Double = 640, height: Double = 400) -> SVG {
        let layout = layout(width: width, height: height)
        let frame = ChartFrame(style: style)
        var canvas = SVGCanvas(width: width, height: height, style: style)
        guard !layout.plot.isEmpty else { return canvas.svg(title: title) }
        let columns = layout.xTicks.values.map { layout.x($0) }
        let rows = layout.yTicks.values.map { layout.y($0) }
        frame.drawGrid(columns: columns, rows: rows, in: layout.plot, on: &canvas)
        frame.drawTitle(title, over: layout.plot, on: &canvas)
        frame.drawXAxis(ticks: Array(zip(columns, layout.xTicks.labels)), title: xLabel, below: layout.plot, on: &canvas)
        frame.drawYAxis(ticks: Array(zip(rows, layout.yTicks.labels)), title: yLabel, beside: layout.plot, on: &canvas)
        // Lines and markers may spill over the frame so values on the axis bounds stay fully visible.
        let spill = max(style.lineWidth, style.markerSize) / 2 + 1
        canvas.clipped(to: layout.plot.insetBy(-spill)) { canvas in
            for line in referenceLines {
                canvas.line(
                    from: referencePosition(line.from, in: layout), to: referencePosition(line.to, in: layout),
                    color: line.color, width: 1.5, dash: line.dash)
            }
            for (index, line) in series.enumerated() {
                draw(line, color: line.color ?? style.color(at: index), layout: layout, on: &canvas)
            }
        }
        drawPointLabels(layout: layout, on: &canvas)
        frame.drawFrame(layout.plot, on: &canvas)
        if !hasData { frame.drawNote("no data", in: layout.plot, on: &canvas) }
        if let box = layout.legend { legend.draw(in: box, on: &canvas) }
        return canvas.svg(title: title)
    }

    /// Where everything goes in a `width` × `height` chart.
    public func layout(width: Double = 640, height: Double = 400) -> Layout {
        let frame = ChartFrame(style: style)
        let finite = series.flatMap(\.points).filter { $0.x.isFinite && $0.y.isFinite }
            + referenceLines.flatMap { [$0.from, $0.to] }
        let xs = finite.map(\.x).filter(\.isFinite), ys = finite.map(\.y).filter(\.isFinite)
        let xData = xRange ?? span(xs)
        let yData = yRange ?? span(ys)

        let top = frame.topMargin(title: title)
        let bottom = height - frame.bottomMargin(axisTitle: xLabel)
        let yTicks = frame.ticks(
            covering: yData, fixed: yRange != nil, style: yTickStyle, length: bottom - top, preferredSpacing: 45,
            labelExtent: { _ in style.lineHeight + 6 })
        let left = frame.leftMargin(labelWidth: yTicks.labels.map { style.width(of: $0) }.max() ?? 0, axisTitle: yLabel)
        func xTicks(right: Double) -> AxisTicks {
            frame.ticks(
                covering: xData, fixed: xRange != nil, style: .number, length: right - left, preferredSpacing: 80,
                labelExtent: { ticks in (ticks.labels.map { style.width(of: $0) }.max() ?? 0) + 14 })
        }
        var right = width - style.padding
        var ticks = xTicks(right: right)
        // The last x label is centred on the frame's right edge: keep all of it on the canvas.
        let overhang = style.width(of: ticks.labels.last ?? "") / 2 + 2
        if overhang > style.padding {
            right = width - overhang
            ticks = xTicks(right: right)
        }
        let plot = ChartRect(x: left, y: top, width: right - left, height: bottom - top)
        let x = LinearScale(range: ticks.range, start: plot.x, end: plot.maxX)
        let y = LinearScale(range: yTicks.range, start: plot.maxY, end: plot.y)
        let placed = Layout(plot: plot, xTicks: ticks, yTicks: yTicks, legend: nil, x: x, y: y)
        return Layout(plot: plot, xTicks: ticks, yTicks: yTicks, legend: legendBox(in: placed), x: x, y: y)
    }

    /// The values' span, or 0...1 when there are none.
    private func span(_ values: [Double]) -> ClosedRange<Double> {
        guard let low = values.min(), let high = values.max() else { return 0...1 }
        return low...high
    }

    private var hasData: Bool {
        series.contains { $0.points.contains { $0.x.isFinite && $0.y.isFinite } }
    }

    private var legend: ChartLegend {
        let lines = series.enumerated().filter { !$0.element.name.isEmpty }.map { index, line in
            ChartLegend.Entry(
                name: line.name, color: line.color ?? style.color(at: index), lineWidth: line.lineWidth ?? style.lineWidth,
                marker: line.marker, dash: line.dash)
        }
        let guides = referenceLines.compactMap { line in
            line.label.map { ChartLegend.Entry(name: $0, color: line.color, lineWidth: 1.5, marker: nil, dash: line.dash) }
        }
        return ChartLegend(entries: lines + guides, style: style)
    }

    /// The plot corner where the legend covers the fewest points of drawn lines; top right wins ties.
    private func legendBox(in layout: Layout) -> ChartRect? {
        let legend = legend
        guard showsLegend, !legend.entries.isEmpty else { return nil }
        let size = legend.size, margin = 8.0, plot = layout.plot
        guard size.width + 2 * margin <= plot.width, size.height + 2 * margin <= plot.height else { return nil }
        let left = plot.x + margin, right = plot.maxX - margin - size.width
        let top = plot.y + margin, bottom = plot.maxY - margin - size.height
        let corners = [(right, top), (left, top), (right, bottom), (left, bottom)].map {
            ChartRect(x: $0.0, y: $0.1, width: size.width, height: size.height)
        }
        let samples = drawnSamples(in: layout)
        let covered = corners.map { corner in
            let zone = corner.insetBy(-3)
            return samples.filter { zone.contains(x: $0.x, y: $0.y) }.count
        }
        let fewest = covered.min() ?? 0
        return corners[covered.firstIndex(of: fewest) ?? 0]
    }

    /// Points every few units along every drawn line inside the plot, for judging what a box would hide.
    private func drawnSamples(in layout: Layout) -> [(x: Double, y: Double)] {
        let plot = layout.plot
        let lines = series.flatMap { runs(of: $0.points) }.map { $0.map { layout.position(x: $0.x, y: $0.y) } }
            + referenceLines.map { [referencePosition($0.from, in: layout), referencePosition($0.to, in: layout)] }
        var samples: [(x: Double, y: Double)] = []
        for line in lines {
            samples.append(contentsOf: line.filter { plot.contains(x: $0.x, y: $0.y) })
            for (a, b) in zip(line, line.dropFirst()) {
                // Long segments only ever cross the plot, so a bounded number of samples suffices.
                let length = ((b.x - a.x) * (b.x - a.x) + (b.y - a.y) * (b.y - a.y)).squareRoot()
                let count = length.isFinite ? min(400, Int(min(length, 4000) / 3)) : 0
                for step in stride(from: 1, to: max(1, count), by: 1) {
                    let t = Double(step) / Double(count)
                    samples.append((a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t))
                }
            }
        }
        return samples.filter { $0.x.isFinite && $0.y.isFinite }
    }

    private func draw(_ line: Series, color: ChartColor, layout: Layout, on canvas: inout SVGCanvas) {
        let width = line.lineWidth ?? style.lineWidth
        for run in runs(of: line.points) {
            let positions = run.map { layout.position(x: $0.x, y: $0.y) }
            if positions.count == 1 && line.marker == nil {
                // A lone point has no line to show it; a dot keeps it from vanishing.
                canvas.marker(.circle, at: positions[0], size: width + 4, color: color)
            } else {
                canvas.polyline(positions, color: color, width: width, dash: line.dash)
            }
            if let marker = line.marker {
                for position in positions { canvas.marker(marker, at: position, size: style.markerSize, color: color) }
            }
        }
    }

    private func drawPointLabels(layout: Layout, on canvas: inout SVGCanvas) {
        let size = style.fontSize - 2, height = (size * 1.25).rounded(.up)
        var taken: [ChartRect] = []
        for label in pointLabels where label.x.isFinite && label.y.isFinite {
            let point = layout.position(x: label.x, y: label.y)
            let width = style.width(of: label.text, size: size)
            let box = ChartRect(x: point.x - width / 2, y: point.y - style.markerSize / 2 - 2 - height, width: width, height: height)
            let inside = box.x >= layout.plot.x && box.maxX <= layout.plot.maxX && box.y >= layout.plot.y
            let overlaps = taken.contains { box.x < $0.maxX && $0.x < box.maxX && box.y < $0.maxY && $0.y < box.maxY }
            guard inside, !overlaps else { continue }
            taken.append(box)
            canvas.text(label.text, x: point.x, y: box.midY, anchor: .middle, size: size, color: style.mutedText)
        }
    }

    /// The stretches of consecutive finite points; a NaN or infinity ends one.
    private func runs(of points: [(x: Double, y: Double)]) -> [[(x: Double, y: Double)]] {
        var runs: [[(x: Double, y: Double)]] = [[]]
        for point in points {
            if point.x.isFinite && point.y.isFinite {
                runs[runs.count - 1].append(point)
            } else if !runs[runs.count - 1].isEmpty {
                runs.append([])
            }
        }
        return runs.filter { !$0.isEmpty }
    }

    /// Where a reference line's end is drawn; infinite coordinates go to the edge of the plot.
    private func referencePosition(_ point: (x: Double, y: Double), in layout: Layout) -> (x: Double, y: Double) {
        func bounded(_ value: Double, _ range: ClosedRange<Double>) -> Double {
            value == .infinity ? range.upperBound : value == -.infinity ? range.lowerBound : value
        }
        return layout.position(x: bounded(point.x, layout.xTicks.range), y: bounded(point.y, layout.yTicks.range))
    }
}
