/// A K×K grid of classification counts: rows are true classes, columns predicted ones.
///
/// Each cell shows its count and its share of the row (how often that true class got that
/// prediction), and is shaded by that share, so a good classifier shows a dark diagonal
/// whatever the class sizes. A colour bar gives the scale.
public struct ConfusionMatrixChart: Sendable {
    /// Where everything goes for one output size; `render` draws exactly this.
    public struct Layout: Sendable {
        /// The whole grid of cells.
        public let grid: ChartRect
        /// `cells[t][p]` is the shaded area of true class t predicted as p.
        public let cells: [[ChartRect]]
        /// The colour scale, or nil when there is no room for it.
        public let colorBar: ChartRect?
        /// Whether column names run upward because they do not fit across their cells, even on two lines.
        public let columnLabelsUpward: Bool
        /// Lines of column names under the grid when they run across: 1, or 2 where a name is wrapped.
        let columnLabelLines: Int
        /// From one row or column of cells to the next.
        let pitch: Double
    }

    /// Centred above the grid, in bold.
    public var title: String
    /// Class names in index order; missing ones are shown as their index.
    public var classNames: [String]
    /// `counts[t][p]`: how many examples of true class t were predicted as p; missing entries count 0.
    public var counts: [[Int]]
    /// Colours, sizes and fonts.
    public var style = ChartStyle.standard

    /// A chart of `counts[true][predicted]` with these class names.
    public init(classNames: [String], counts: [[Int]], title: String = "Confusion matrix") {
        (self.classNames, self.counts, self.title) = (classNames, counts, title)
    }

    /// The number of classes: enough for every name and every count.
    public var classCount: Int {
        max(classNames.count, counts.count, counts.map(\.count).max() ?? 0)
    }

    /// The count for true class `t` predicted as `p` (0 where not given).
    public func count(true t: Int, predicted p: Int) -> Int {
        counts.indices.contains(t) && counts[t].indices.contains(p) ? counts[t][p] : 0
    }

    /// The share of true class `t` predicted as `p`, or nil when class `t` has no examples.
    public func rowFraction(true t: Int, predicted p: Int) -> Double? {
        let total = counts.indices.contains(t) ? counts[t].reduce(0) { $0 + max(0, $1) } : 0
        return total > 0 ? Double(max(0, count(true: t, predicted: p))) / Double(total) : nil
    }

    /// The shade for a row share: near white at 0 through mid blue to navy at 1.
    public static func shade(_ fraction: Double) -> ChartColor {
        let light = ChartColor(hex: 0xF4F8FC), middle = ChartColor(hex: 0x5E9BD1), dark = ChartColor(hex: 0x0B2F66)
        let t = fraction.isNaN ? 0 : min(1, max(0, fraction))
        return t < 0.5 ? light.mixed(with: middle, amount: t * 2) : middle.mixed(with: dark, amount: (t - 0.5) * 2)
    }

    /// The chart as SVG, `width` × `height` CSS pixels.
    public func render(width: Double = 640, height: Double = 400) -> SVG {
        let layout = layout(width: width, height: height)
        let frame = ChartFrame(style: style)
        var canvas = SVGCanvas(width: width, height: height, style: style)
        frame.drawTitle(title, over: layout.grid, on: &canvas)
        let k = classCount
        guard k > 0, !layout.grid.isEmpty else {
            frame.drawNote("no data", in: ChartRect(x: 0, y: 0, width: width, height: height), on: &canvas)
            return canvas.svg(title: title)
        }
        let texts = (0..<k).map { t in (0..<k).map { p in cellLines(true: t, predicted: p) } }
        let plan = textPlan(for: texts.flatMap { $0 }, in: layout.cells[0][0])
        for t in 0..<k {
            for p in 0..<k {
                let cell = layout.cells[t][p]
                let fill = Self.shade(rowFraction(true: t, predicted: p) ?? 0)
                canvas.fill(cell, with: fill)
                if let plan {
                    let color = fill.luminance < 0.5 ? ChartColor.white : style.text
                    drawLines(Array(texts[t][p].prefix(plan.lines)), size: plan.size, in: cell, color: color, on: &canvas)
                }
            }
        }
        canvas.stroke(layout.grid.insetBy(-1), with: style.grid.mixed(with: style.axis, amount: 0.25))
        drawClassNames(layout, height: height, on: &canvas)
        if let bar = layout.colorBar { drawColorBar(bar, on: &canvas) }
        return canvas.svg(title: title)
    }

    /// Where everything goes in a `width` × `height` chart.
    public func layout(width: Double = 640, height: Double = 400) -> Layout {
        let frame = ChartFrame(style: style)
        let k = classCount
        let names = (0..<k).map(name)
        let widestName = names.map { style.width(of: $0) }.max() ?? 0
        let rowLabels = min(widestName, width * 0.3)
        let barSpace = 2 * style.gap + Self.barWidth + frame.labelOffset + style.width(of: "100%")
        let top = style.padding + (title.isEmpty ? 0 : style.titleLineHeight + 2 * style.gap)
        let left = style.padding + style.lineHeight + style.gap + rowLabels + style.gap
        let titleBelow = style.gap + style.lineHeight + style.padding
        func cellSize(columnLabels: Double) -> Double {
            let across = width - left - barSpace - style.padding
            let down = height - top - (style.gap + columnLabels + titleBelow)
            return k > 0 ? max(0, min(across, down) / Double(k)) : 0
        }
        var cell = cellSize(columnLabels: style.lineHeight)
        var lines = 1, upward = false
        if widestName > cell - 4 {
            // Two lines under each column read better than names turned on their side.
            let twoLines = cellSize(columnLabels: 2 * style.lineHeight)
            if names.allSatisfy({ wrapped($0, width: twoLines - 4) != nil }) {
                (cell, lines) = (twoLines, 2)
            } else {
                upward = true
                cell = cellSize(columnLabels: min(widestName, height / 4))
            }
        }
        // Centres the grid and colour bar together across the space right of the row names.
        let spare = max(0, width - left - barSpace - style.padding - Double(k) * cell)
        // Cells big enough to see are parted by thin lines of background.
        let parting = cell >= 4 ? 1.0 : 0
        let side = Double(k) * cell - parting
        let grid = ChartRect(x: left + spare / 2, y: top, width: side, height: side)
        let cells = (0..<k).map { t in
            (0..<k).map { p in
                ChartRect(x: grid.x + Double(p) * cell, y: grid.y + Double(t) * cell, width: cell - parting, height: cell - parting)
            }
        }
        let bar = ChartRect(x: grid.maxX + 2 * style.gap, y: grid.y, width: Self.barWidth, height: grid.height)
        let hasBar = grid.height >= 4 * style.lineHeight
        return Layout(
            grid: grid, cells: cells, colorBar: hasBar ? bar : nil, columnLabelsUpward: upward, columnLabelLines: lines, pitch: cell)
    }

    private static let barWidth = 14.0

    /// `text` broken at spaces into at most two lines no wider than `width`, or nil when it needs more.
    private func wrapped(_ text: String, width: Double) -> [String]? {
        guard style.width(of: text) > width else { return [text] }
        let words = text.split(separator: " ", omittingEmptySubsequences: false)
        // The longest first line that fits; the rest must fit on the second.
        for split in stride(from: words.count - 1, to: 0, by: -1) {
            let first = words[..<split].joined(separator: " "), second = words[split...].joined(separator: " ")
            if style.width(of: first) <= width { return style.width(of: second) <= width ? [first, second] : nil }
        }
        return nil
    }

    private func name(_ index: Int) -> String {
        classNames.indices.contains(index) && !classNames[index].isEmpty ? classNames[index] : String(index)
    }

    /// The count and, when the row has examples, its share of the row.
    private func cellLines(true t: Int, predicted p: Int) -> [String] {
        [String(count(true: t, predicted: p))] + (rowFraction(true: t, predicted: p).map { [ChartNumberFormat.percent($0)] } ?? [])
    }

    /// How many of each cell's lines (both if possible), at the largest size that fits every
    /// cell: one look for the whole grid.
    private func textPlan(for texts: [[String]], in cell: ChartRect) -> (size: Double, lines: Int)? {
        for lines in [2, 1] {
            for size in [1.5 * style.fontSize, style.fontSize] {
                let fits = texts.allSatisfy { text in
                    let shown = text.prefix(lines)
                    let widest = shown.map { style.width(of: $0, size: size) }.max() ?? 0
                    return widest + 6 <= cell.width && Double(shown.count) * size * 1.2 + 6 <= cell.height
                }
                if fits { return (size, lines) }
            }
        }
        return nil
    }

    /// `lines` centred in `cell`, one under another.
    private func drawLines(_ lines: [String], size: Double, in cell: ChartRect, color: ChartColor, on canvas: inout SVGCanvas) {
        let pitch = size * 1.2
        var middle = cell.midY - pitch * Double(lines.count - 1) / 2
        for (index, line) in lines.enumerated() {
            canvas.text(line, x: cell.midX, y: middle, anchor: .middle, size: index == 0 ? size : size * 0.85, bold: index == 0, color: color)
            middle += pitch
        }
    }

    /// Class names beside each row and under each column, thinned out when cells are smaller than
    /// a line of text, and the axis titles "true" and "predicted".
    private func drawClassNames(_ layout: Layout, height: Double, on canvas: inout SVGCanvas) {
        let frame = ChartFrame(style: style)
        let k = classCount, grid = layout.grid, cell = layout.pitch
        var widestRowName = 0.0
        let every = cell > 0 ? max(1, Int(min(Double(k), ((style.lineHeight + 2) / cell).rounded(.up)))) : max(1, k)
        let rowLimit = grid.x - style.padding - style.lineHeight - 2 * style.gap
        let columnLimit = layout.columnLabelsUpward ? height / 4 : cell - 4
        let columnTop = grid.maxY + style.gap
        for index in stride(from: 0, to: k, by: every) {
            let centre = Double(index) * cell + (cell - 1) / 2
            let whole = name(index)
            let rowName = style.fitted(whole, width: rowLimit)
            widestRowName = max(widestRowName, style.width(of: rowName))
            canvas.text(rowName, x: grid.x - style.gap, y: grid.y + centre, anchor: .end, whole: whole)
            let columnName = style.fitted(whole, width: columnLimit)
            if layout.columnLabelLines == 2, let lines = wrapped(whole, width: columnLimit) {
                canvas.text(lines: lines, x: grid.x + centre, y: columnTop + style.lineHeight / 2, lineHeight: style.lineHeight, anchor: .middle)
            } else if layout.columnLabelsUpward {
                canvas.text(
                    columnName, x: grid.x + centre, y: columnTop + style.width(of: columnName) / 2, anchor: .middle, upward: true,
                    whole: whole)
            } else {
                canvas.text(columnName, x: grid.x + centre, y: columnTop + style.lineHeight / 2, anchor: .middle, whole: whole)
            }
        }
        let titleLeft = max(style.padding, grid.x - 2 * style.gap - widestRowName - style.lineHeight)
        frame.drawUpward("true", atY: grid.midY, left: titleLeft, limit: grid.height, on: &canvas)
        let namesHeight = layout.columnLabelsUpward
            ? min((0..<k).map { style.width(of: name($0)) }.max() ?? 0, columnLimit) : Double(layout.columnLabelLines) * style.lineHeight
        canvas.text("predicted", x: grid.midX, y: columnTop + namesHeight + style.gap + style.lineHeight / 2, anchor: .middle)
    }

    /// A vertical scale from 0% at the bottom to 100% at the top, in bands, with labelled ticks.
    private func drawColorBar(_ bar: ChartRect, on canvas: inout SVGCanvas) {
        let frame = ChartFrame(style: style)
        // Bands rather than a gradient: a gradient needs an id, which could clash with another chart's on the page.
        let bands = 50
        for band in 0..<bands {
            let fraction = (Double(band) + 0.5) / Double(bands)
            let top = bar.maxY - bar.height * Double(band + 1) / Double(bands)
            // Each band overlaps the next by a little, so no seam of background shows between them.
            canvas.fill(ChartRect(x: bar.x, y: top, width: bar.width, height: bar.height / Double(bands) + 0.5), with: Self.shade(fraction))
        }
        canvas.stroke(bar.insetBy(-1), with: style.grid.mixed(with: style.axis, amount: 0.25))
        let scale = LinearScale(range: 0...1, start: bar.maxY, end: bar.y)
        let ticks = AxisTicks(covering: 0...1, targetCount: bar.height >= 10 * style.lineHeight ? 5 : 3, fixed: true, style: .percent)
        for (value, label) in zip(ticks.values, ticks.labels) {
            let y = scale(value)
            canvas.line(from: (bar.maxX + 1, y), to: (bar.maxX + 1 + style.tickLength, y), color: style.axis)
            canvas.text(label, x: bar.maxX + frame.labelOffset, y: y)
        }
    }
}
