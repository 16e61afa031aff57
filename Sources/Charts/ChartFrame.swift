/// What cartesian charts share around their data: title, axis titles, plot frame, grid lines,
/// tick marks and tick labels, and the margins that make room for them.
struct ChartFrame {
    let style: ChartStyle

    /// From the plot frame to the near edge of tick labels: the tick mark and a little air.
    var labelOffset: Double { style.tickLength + 3 }

    /// Space above the plot: padding, the title, and room for the top tick label, centred on the frame.
    func topMargin(title: String) -> Double {
        style.padding + (title.isEmpty ? 0 : style.titleLineHeight + style.gap) + style.lineHeight / 2
    }

    /// Space below the plot: tick marks, one line of labels, the axis title and padding.
    func bottomMargin(axisTitle: String) -> Double {
        labelOffset + style.lineHeight + (axisTitle.isEmpty ? 0 : style.gap + style.lineHeight) + style.padding
    }

    /// Space left of the plot: padding, the upward axis title, labels `labelWidth` wide and tick marks.
    func leftMargin(labelWidth: Double, axisTitle: String) -> Double {
        style.padding + (axisTitle.isEmpty ? 0 : style.lineHeight + style.gap) + labelWidth + labelOffset
    }

    /// Ticks as dense as fit: about one per `preferredSpacing` units of an axis `length` long,
    /// fewer while neighbouring labels would come closer than `labelExtent`.
    func ticks(
        covering range: ClosedRange<Double>, fixed: Bool, style tickStyle: AxisTicks.Style, length: Double,
        preferredSpacing: Double, labelExtent: (AxisTicks) -> Double
    ) -> AxisTicks {
        // AxisTicks makes at most 50 ticks, so larger targets change nothing.
        var target = max(2, Int(min(50, max(0, length) / preferredSpacing)) + 1)
        while true {
            let ticks = AxisTicks(covering: range, targetCount: target, fixed: fixed, style: tickStyle)
            let scale = LinearScale(range: ticks.range, start: 0, end: max(1, length))
            if target <= 2 || scale.spacing(of: ticks.step) >= labelExtent(ticks) { return ticks }
            target -= 1
        }
    }

    /// The chart title, bold, centred over the plot but kept on the canvas.
    func drawTitle(_ title: String, over plot: ChartRect, on canvas: inout SVGCanvas) {
        let room = canvas.width - 2 * style.padding
        let shown = style.fitted(title, width: room, size: style.titleSize)
        let width = style.width(of: shown, size: style.titleSize)
        let centre = min(canvas.width - style.padding - width / 2, max(style.padding + width / 2, plot.midX))
        canvas.text(
            shown, x: centre, y: style.padding + style.titleLineHeight / 2, anchor: .middle, size: style.titleSize, bold: true,
            whole: title)
    }

    /// Grid lines across `plot` at these x and y coordinates.
    func drawGrid(columns: [Double], rows: [Double], in plot: ChartRect, on canvas: inout SVGCanvas) {
        for x in columns { canvas.line(from: (x, plot.y), to: (x, plot.maxY), color: style.grid) }
        for y in rows { canvas.line(from: (plot.x, y), to: (plot.maxX, y), color: style.grid) }
    }

    /// The plot's border.
    func drawFrame(_ plot: ChartRect, on canvas: inout SVGCanvas) {
        canvas.stroke(plot, with: style.axis)
    }

    /// Tick marks below the plot, their labels centred under them, and the axis title.
    func drawXAxis(ticks: [(x: Double, label: String)], title: String, below plot: ChartRect, on canvas: inout SVGCanvas) {
        let labelMiddle = plot.maxY + labelOffset + style.lineHeight / 2
        for tick in ticks {
            canvas.line(from: (tick.x, plot.maxY), to: (tick.x, plot.maxY + style.tickLength), color: style.axis)
            canvas.text(tick.label, x: tick.x, y: labelMiddle, anchor: .middle)
        }
        canvas.text(title, x: plot.midX, y: labelMiddle + style.lineHeight + style.gap, anchor: .middle)
    }

    /// Tick marks left of the plot, labels right-aligned and centred on them, and the axis title
    /// running upward along the left edge.
    func drawYAxis(ticks: [(y: Double, label: String)], title: String, beside plot: ChartRect, on canvas: inout SVGCanvas) {
        for tick in ticks {
            canvas.line(from: (plot.x - style.tickLength, tick.y), to: (plot.x, tick.y), color: style.axis)
            canvas.text(tick.label, x: plot.x - labelOffset, y: tick.y, anchor: .end)
        }
        drawUpward(title, atY: plot.midY, left: style.padding, limit: plot.height + style.lineHeight, on: &canvas)
    }

    /// `text` running upward with its left edge at `left`, centred on `y`, cut to `limit`.
    func drawUpward(_ text: String, atY y: Double, left: Double, limit: Double, on canvas: inout SVGCanvas) {
        let shown = style.fitted(text, width: limit)
        canvas.text(shown, x: left + style.lineHeight / 2, y: y, anchor: .middle, upward: true, whole: text)
    }

    /// A grey note such as "no data" in the middle of `area`.
    func drawNote(_ text: String, in area: ChartRect, on canvas: inout SVGCanvas) {
        canvas.text(text, x: area.midX, y: area.midY, anchor: .middle, color: style.mutedText)
    }
}
