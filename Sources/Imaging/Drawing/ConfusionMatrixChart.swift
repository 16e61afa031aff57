/// A K×K grid of classification counts: rows are true classes, columns predicted ones.
///
/// Each cell shows its count and its share of the row (how often that true class got that
/// prediction), and is shaded by that share, so a good classifier shows a dark diagonal
/// whatever the class sizes. A colour bar gives the scale.
public struct ConfusionMatrixChart: Sendable {
    /// Where everything goes for one output size; `render` draws exactly this.
    public struct Layout: Sendable {
        /// The whole grid of cells.
        public let grid: PixelRect
        /// `cells[t][p]` is the shaded area of true class t predicted as p.
        public let cells: [[PixelRect]]
        /// The colour scale, or nil when there is no room for it.
        public let colorBar: PixelRect?
        /// Whether column names run upward because they do not fit across their cells.
        public let columnLabelsUpward: Bool
        /// Pixels from one row or column of cells to the next.
        let pitch: Int
    }

    /// Centred above the grid, at the style's title scale.
    public var title: String
    /// Class names in index order; missing ones are shown as their index.
    public var classNames: [String]
    /// `counts[t][p]`: how many examples of true class t were predicted as p; missing entries count 0.
    public var counts: [[Int]]
    /// Colours, sizes and font.
    public var style = ChartStyle.standard

    /// A chart of `counts[true][predicted]` with these class names.
    public init(classNames: [String], counts: [[Int]], title: String = "Confusion matrix") {
        self.classNames = classNames
        self.counts = counts
        self.title = title
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
    public static func shade(_ fraction: Double) -> RGBColor {
        let light = RGBColor(hex: 0xF4F8FC), middle = RGBColor(hex: 0x5E9BD1), dark = RGBColor(hex: 0x0B2F66)
        let t = fraction.isNaN ? 0 : min(1, max(0, fraction))
        return t < 0.5 ? light.mixed(with: middle, amount: t * 2) : middle.mixed(with: dark, amount: (t - 0.5) * 2)
    }

    /// The chart as a `width` × `height` image.
    public func render(width: Int = 640, height: Int = 400) -> RGBImage {
        let layout = layout(width: width, height: height)
        let frame = ChartFrame(style: style)
        var canvas = Canvas(width: width, height: height, background: style.background)
        frame.drawTitle(title, over: layout.grid, on: &canvas)
        let k = classCount
        guard k > 0, !layout.grid.isEmpty else {
            frame.drawNote("no data", in: PixelRect(x: 0, y: 0, width: width, height: height), on: &canvas)
            return canvas.image
        }
        let texts = (0..<k).map { t in (0..<k).map { p in cellLines(true: t, predicted: p) } }
        let plan = textPlan(for: texts.flatMap { $0 }, in: layout.cells[0][0])
        for t in 0..<k {
            for p in 0..<k {
                let cell = layout.cells[t][p]
                let fill = Self.shade(rowFraction(true: t, predicted: p) ?? 0)
                canvas.fill(cell, with: fill)
                if let plan {
                    let color = fill.luminance < 0.5 ? RGBColor.white : style.text
                    drawLines(Array(texts[t][p].prefix(plan.lines)), scale: plan.scale, in: cell, color: color, on: &canvas)
                }
            }
        }
        canvas.stroke(layout.grid.insetBy(-1), with: style.grid.mixed(with: style.axis, amount: 0.25))
        drawClassNames(layout, on: &canvas)
        if let bar = layout.colorBar { drawColorBar(bar, on: &canvas) }
        return canvas.image
    }

    /// Where everything goes in a `width` × `height` image.
    public func layout(width: Int = 640, height: Int = 400) -> Layout {
        let frame = ChartFrame(style: style)
        let k = classCount
        let names = (0..<k).map(name)
        let rowLabels = min(names.map(frame.width).max() ?? 0, width / 4)
        let barSpace = 2 * style.gap + Self.barWidth + frame.labelOffset + frame.width(of: "100%")
        let top = style.padding + (title.isEmpty ? 0 : style.font.lineHeight(scale: style.titleScale) + 2 * style.gap)
        let left = style.padding + style.textHeight + style.gap + rowLabels + style.gap
        let titleBelow = style.gap + style.textHeight + style.padding
        func cellSize(columnLabels: Int) -> Int {
            let across = width - left - barSpace - style.padding
            let down = height - top - (style.gap + columnLabels + titleBelow)
            return k > 0 ? max(0, min(across, down) / k) : 0
        }
        var cell = cellSize(columnLabels: style.textHeight)
        let upward = (names.map(frame.width).max() ?? 0) > cell - 4
        if upward { cell = cellSize(columnLabels: min(names.map(frame.width).max() ?? 0, height / 4)) }
        // Centres the grid and colour bar together across the space right of the row names.
        let spare = max(0, width - left - barSpace - style.padding - k * cell)
        // Cells big enough to see are parted by one-pixel lines of background.
        let parting = cell >= 4 ? 1 : 0
        let grid = PixelRect(x: left + spare / 2, y: top, width: k * cell - parting, height: k * cell - parting)
        let cells = (0..<k).map { t in
            (0..<k).map { p in
                PixelRect(x: grid.x + p * cell, y: grid.y + t * cell, width: cell - parting, height: cell - parting)
            }
        }
        let bar = PixelRect(x: grid.maxX + 2 * style.gap, y: grid.y, width: Self.barWidth, height: grid.height)
        let hasBar = grid.height >= 4 * style.textHeight
        return Layout(grid: grid, cells: cells, colorBar: hasBar ? bar : nil, columnLabelsUpward: upward, pitch: cell)
    }

    private static let barWidth = 14

    private func name(_ index: Int) -> String {
        classNames.indices.contains(index) && !classNames[index].isEmpty ? classNames[index] : String(index)
    }

    /// The count and, when the row has examples, its share of the row.
    private func cellLines(true t: Int, predicted p: Int) -> [String] {
        [String(count(true: t, predicted: p))] + (rowFraction(true: t, predicted: p).map { [ChartNumberFormat.percent($0)] } ?? [])
    }

    /// How many of each cell's lines (both if possible), at the largest scale that fits every
    /// cell: one look for the whole grid.
    private func textPlan(for texts: [[String]], in cell: PixelRect) -> (scale: Int, lines: Int)? {
        for lines in [2, 1] {
            for scale in [2 * style.textScale, style.textScale] {
                let fits = texts.allSatisfy { text in
                    let shown = text.prefix(lines)
                    let widest = shown.map { style.font.width(of: $0, scale: scale) }.max() ?? 0
                    return widest + 6 <= cell.width && textHeight(lines: shown.count, scale: scale) + 6 <= cell.height
                }
                if fits { return (scale, lines) }
            }
        }
        return nil
    }

    private func textHeight(lines: Int, scale: Int) -> Int {
        lines * style.font.ascent * scale + max(0, lines - 1) * 3 * scale
    }

    /// `lines` centred in `cell`, one under another.
    private func drawLines(_ lines: [String], scale: Int, in cell: PixelRect, color: RGBColor, on canvas: inout Canvas) {
        var y = cell.y + (cell.height - textHeight(lines: lines.count, scale: scale)) / 2
        for line in lines {
            let x = cell.x + (cell.width - style.font.width(of: line, scale: scale)) / 2
            style.font.draw(line, on: &canvas, x: x, y: y, scale: scale, color: color)
            y += (style.font.ascent + 3) * scale
        }
    }

    /// Class names beside each row and under each column, thinned out when cells are smaller than
    /// a line of text, and the axis titles "true" and "predicted".
    private func drawClassNames(_ layout: Layout, on canvas: inout Canvas) {
        let frame = ChartFrame(style: style)
        let k = classCount, grid = layout.grid, cell = layout.pitch
        var widestRowName = 0
        let every = max(1, (style.textHeight + 2 + cell - 1) / max(1, cell))
        let rowLimit = grid.x - style.padding - style.textHeight - 2 * style.gap
        let columnLimit = layout.columnLabelsUpward ? canvas.height / 4 : cell - 4
        let columnTop = grid.maxY + style.gap
        for index in stride(from: 0, to: k, by: every) {
            let centre = index * cell + cell / 2
            let rowName = frame.fitted(name(index), width: rowLimit)
            widestRowName = max(widestRowName, frame.width(of: rowName))
            style.font.draw(
                rowName, on: &canvas, x: grid.x - style.gap - frame.width(of: rowName), y: grid.y + centre - style.capHeight / 2,
                scale: style.textScale, color: style.text)
            let columnName = frame.fitted(name(index), width: columnLimit)
            if layout.columnLabelsUpward {
                style.font.draw(
                    columnName, on: &canvas, x: grid.x + centre - style.capHeight / 2, y: columnTop,
                    scale: style.textScale, color: style.text, direction: .upward)
            } else {
                frame.drawCentred(columnName, atColumn: grid.x + centre, top: columnTop, on: &canvas)
            }
        }
        let titleLeft = max(style.padding, grid.x - 2 * style.gap - widestRowName - style.textHeight)
        frame.drawUpward("true", atRow: grid.y + grid.height / 2, left: titleLeft, on: &canvas)
        let namesHeight = layout.columnLabelsUpward
            ? min((0..<k).map { frame.width(of: name($0)) }.max() ?? 0, columnLimit) : style.textHeight
        frame.drawCentred("predicted", atColumn: grid.x + grid.width / 2, top: columnTop + namesHeight + style.gap, on: &canvas)
    }

    /// A vertical gradient from 0% at the bottom to 100% at the top, with labelled ticks.
    private func drawColorBar(_ bar: PixelRect, on canvas: inout Canvas) {
        let frame = ChartFrame(style: style)
        for row in bar.y..<bar.maxY {
            let fraction = Double(bar.maxY - 1 - row) / Double(max(1, bar.height - 1))
            canvas.fill(PixelRect(x: bar.x, y: row, width: bar.width, height: 1), with: Self.shade(fraction))
        }
        canvas.stroke(bar.insetBy(-1), with: style.grid.mixed(with: style.axis, amount: 0.25))
        let scale = LinearScale(range: 0...1, first: bar.maxY - 1, last: bar.y)
        let ticks = AxisTicks(covering: 0...1, targetCount: bar.height >= 10 * style.textHeight ? 5 : 3, fixed: true, style: .percent)
        for (value, label) in zip(ticks.values, ticks.labels) {
            let row = scale.pixel(value)
            canvas.fill(PixelRect(x: bar.maxX + 1, y: row, width: style.tickLength, height: 1), with: style.axis)
            style.font.draw(
                label, on: &canvas, x: bar.maxX + frame.labelOffset, y: row - style.capHeight / 2, scale: style.textScale,
                color: style.text)
        }
    }
}
