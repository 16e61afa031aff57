/// A boxed key that shows each series' line and marker next to its name.
struct ChartLegend {
    struct Entry {
        let name: String
        let color: ChartColor
        let lineWidth: Double
        let marker: LineChart.Marker?
        let dash: LineChart.Dash?
    }

    let entries: [Entry]
    let style: ChartStyle

    private let inset = 6.0
    private let sampleLength = 24.0

    private var rowHeight: Double { max(style.lineHeight, style.markerSize) + 2 }

    /// Width and height of the box.
    var size: (width: Double, height: Double) {
        let names = entries.map { style.width(of: $0.name) }.max() ?? 0
        return (2 * inset + sampleLength + style.gap + names, 2 * inset + Double(entries.count) * rowHeight - 2)
    }

    /// Draws the box at `rect`, which should be `size` large; the plot shows faintly through it.
    func draw(in rect: ChartRect, on canvas: inout SVGCanvas) {
        canvas.fill(rect, with: style.background, opacity: 0.88, stroke: style.grid.mixed(with: style.axis, amount: 0.25))
        for (index, entry) in entries.enumerated() {
            let middle = rect.y + inset + (Double(index) + 0.5) * rowHeight - 1
            let start = rect.x + inset, end = start + sampleLength
            canvas.line(from: (start, middle), to: (end, middle), color: entry.color, width: entry.lineWidth, dash: entry.dash)
            if let marker = entry.marker {
                canvas.marker(marker, at: ((start + end) / 2, middle), size: style.markerSize, color: entry.color)
            }
            canvas.text(entry.name, x: end + style.gap, y: middle)
        }
    }
}
