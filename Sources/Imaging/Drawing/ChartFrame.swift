/// What cartesian charts share around their data: title, axis titles, plot frame, grid lines,
/// tick marks and tick labels, and the margins that make room for them.
struct ChartFrame {
    let style: ChartStyle

    private var font: BitmapFont { style.font }

    /// Pixels from the plot frame to the near edge of tick labels: the tick mark and a little air.
    var labelOffset: Int { style.tickLength + 3 }

    /// Rows above the plot: padding, the title, and room for the top tick label, centred on the frame.
    func topMargin(title: String) -> Int {
        style.padding + (title.isEmpty ? 0 : font.lineHeight(scale: style.titleScale) + style.gap) + style.capHeight / 2 + 1
    }

    /// Rows below the plot: tick marks, one line of labels, the axis title and padding.
    func bottomMargin(axisTitle: String) -> Int {
        labelOffset + style.textHeight + (axisTitle.isEmpty ? 0 : style.gap + style.textHeight) + style.padding
    }

    /// Columns left of the plot: padding, the upward axis title, labels `labelWidth` wide and tick marks.
    func leftMargin(labelWidth: Int, axisTitle: String) -> Int {
        style.padding + (axisTitle.isEmpty ? 0 : style.textHeight + style.gap) + labelWidth + labelOffset
    }

    /// Width of `text` as tick labels are written.
    func width(of text: String) -> Int { font.width(of: text, scale: style.textScale) }

    /// `text` cut short with ".." so its tick-label width is at most `limit`.
    func fitted(_ text: String, width limit: Int) -> String {
        guard width(of: text) > limit else { return text }
        var kept = text
        while !kept.isEmpty && width(of: kept + "..") > limit { kept.removeLast() }
        return kept.isEmpty ? "" : kept + ".."
    }

    /// Ticks as dense as fit: about one per `preferredSpacing` pixels of an axis `length` long,
    /// fewer while neighbouring labels would come closer than `labelExtent` pixels.
    func ticks(
        covering range: ClosedRange<Double>, fixed: Bool, style tickStyle: AxisTicks.Style, length: Int,
        preferredSpacing: Int, labelExtent: (AxisTicks) -> Int
    ) -> AxisTicks {
        var target = max(2, length / preferredSpacing + 1)
        while true {
            let ticks = AxisTicks(covering: range, targetCount: target, fixed: fixed, style: tickStyle)
            let scale = LinearScale(range: ticks.range, first: 0, last: max(1, length - 1))
            if target <= 2 || scale.spacing(of: ticks.step) >= Double(labelExtent(ticks)) { return ticks }
            target -= 1
        }
    }

    /// The chart title, centred over the plot but kept on the canvas.
    func drawTitle(_ title: String, over plot: PixelRect, on canvas: inout Canvas) {
        guard !title.isEmpty else { return }
        let width = font.width(of: title, scale: style.titleScale)
        let x = min(canvas.width - style.padding - width, max(style.padding, plot.x + (plot.width - width) / 2))
        font.draw(title, on: &canvas, x: max(0, x), y: style.padding, scale: style.titleScale, color: style.text)
    }

    /// One-pixel grid lines across `plot` at these columns and rows.
    func drawGrid(columns: [Int], rows: [Int], in plot: PixelRect, on canvas: inout Canvas) {
        for column in columns {
            canvas.fill(PixelRect(x: column, y: plot.y, width: 1, height: plot.height), with: style.grid)
        }
        for row in rows {
            canvas.fill(PixelRect(x: plot.x, y: row, width: plot.width, height: 1), with: style.grid)
        }
    }

    /// The plot's border.
    func drawFrame(_ plot: PixelRect, on canvas: inout Canvas) {
        canvas.stroke(plot, with: style.axis)
    }

    /// Tick marks below the plot at `ticks`' columns, their labels centred under them, and the axis title.
    func drawXAxis(ticks: [(column: Int, label: String)], title: String, below plot: PixelRect, on canvas: inout Canvas) {
        let labelTop = plot.maxY + labelOffset
        for tick in ticks {
            canvas.fill(PixelRect(x: tick.column, y: plot.maxY, width: 1, height: style.tickLength), with: style.axis)
            drawCentred(tick.label, atColumn: tick.column, top: labelTop, on: &canvas)
        }
        drawCentred(title, atColumn: plot.x + plot.width / 2, top: labelTop + style.textHeight + style.gap, on: &canvas)
    }

    /// Tick marks left of the plot at `ticks`' rows, labels right-aligned and centred on them, and
    /// the axis title running upward along the left edge.
    func drawYAxis(ticks: [(row: Int, label: String)], title: String, beside plot: PixelRect, on canvas: inout Canvas) {
        for tick in ticks {
            canvas.fill(PixelRect(x: plot.x - style.tickLength, y: tick.row, width: style.tickLength, height: 1), with: style.axis)
            let x = plot.x - labelOffset - width(of: tick.label)
            font.draw(tick.label, on: &canvas, x: x, y: tick.row - style.capHeight / 2, scale: style.textScale, color: style.text)
        }
        drawUpward(title, atRow: plot.y + plot.height / 2, left: style.padding, on: &canvas)
    }

    /// `text` centred on `column`, kept on the canvas.
    func drawCentred(_ text: String, atColumn column: Int, top: Int, color: RGBColor? = nil, on canvas: inout Canvas) {
        guard !text.isEmpty else { return }
        let width = width(of: text)
        let x = max(0, min(canvas.width - width, column - width / 2))
        font.draw(text, on: &canvas, x: x, y: top, scale: style.textScale, color: color ?? style.text)
    }

    /// `text` running upward, centred on `row`, kept on the canvas.
    func drawUpward(_ text: String, atRow row: Int, left: Int, on canvas: inout Canvas) {
        guard !text.isEmpty else { return }
        let length = width(of: text)
        let y = max(0, min(canvas.height - length, row - length / 2))
        font.draw(text, on: &canvas, x: left, y: y, scale: style.textScale, color: style.text, direction: .upward)
    }

    /// A grey note such as "no data" in the middle of the plot.
    func drawNote(_ text: String, in plot: PixelRect, on canvas: inout Canvas) {
        drawCentred(text, atColumn: plot.x + plot.width / 2, top: plot.y + (plot.height - style.capHeight) / 2, color: style.mutedText, on: &canvas)
    }
}
