/// A boxed key that shows each series' line and marker next to its name.
struct ChartLegend {
    struct Entry {
        let name: String
        let color: RGBColor
        let lineWidth: Double
        let marker: Canvas.Marker?
        let dash: Canvas.Dash?
    }

    let entries: [Entry]
    let style: ChartStyle

    private let inset = 6
    private let sampleLength = 24

    private var rowHeight: Int { max(style.textHeight, Int(style.markerSize.rounded(.up))) + 3 }

    /// Width and height of the box.
    var size: (width: Int, height: Int) {
        let names = entries.map { style.font.width(of: $0.name, scale: style.textScale) }.max() ?? 0
        return (2 * inset + sampleLength + style.gap + names, 2 * inset + entries.count * rowHeight - 3)
    }

    /// Draws the box at `rect`, which should be `size` large; the plot shows faintly through it.
    func draw(in rect: PixelRect, on canvas: inout Canvas) {
        canvas.fill(rect, with: style.background, opacity: 0.88)
        canvas.stroke(rect, with: style.grid.mixed(with: style.axis, amount: 0.25))
        for (index, entry) in entries.enumerated() {
            let top = rect.y + inset + index * rowHeight
            // Odd widths are crisp centred on a pixel, even widths centred between two.
            let odd = Int(entry.lineWidth.rounded()) % 2 == 1
            let middle = Double(top + style.capHeight / 2) + (odd ? 0.5 : 0)
            let start = Double(rect.x + inset), end = start + Double(sampleLength)
            canvas.drawLine(from: (start, middle), to: (end, middle), color: entry.color, width: entry.lineWidth, dash: entry.dash)
            if let marker = entry.marker {
                canvas.drawMarker(marker, at: ((start + end) / 2, middle), size: style.markerSize, color: entry.color)
            }
            style.font.draw(
                entry.name, on: &canvas, x: rect.x + inset + sampleLength + style.gap, y: top,
                scale: style.textScale, color: style.text)
        }
    }
}
