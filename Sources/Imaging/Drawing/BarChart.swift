/// Labelled bars with their values written on them: per-class counts, per-transform agreement rates.
///
/// Bars grow from zero (negative values the other way); the value axis gets nice ticks and grid
/// lines. A bar with a non-finite value is left out, its value text still saying "nan" or "inf".
public struct BarChart: Sendable {
    /// Which way bars grow.
    public enum Orientation: Sendable, Hashable {
        /// Upward from a horizontal baseline, categories along the bottom.
        case vertical
        /// Rightward from a vertical baseline, categories down the left side, first at the top.
        case horizontal
    }

    /// One labelled value.
    public struct Bar: Sendable {
        /// The category name.
        public var label: String
        /// The bar's length in data units.
        public var value: Double
        /// Fill colour; nil takes the chart's `color`.
        public var color: RGBColor?

        /// A bar for `label` of length `value`.
        public init(label: String, value: Double, color: RGBColor? = nil) {
            self.label = label
            self.value = value
            self.color = color
        }
    }

    /// Where everything goes for one output size; `render` draws exactly this.
    public struct Layout: Sendable {
        /// The plot area; its outermost pixels are the axis frame.
        public let plot: PixelRect
        /// Ticks along the value axis; `valueTicks.range` is the span shown.
        public let valueTicks: AxisTicks
        /// Each bar's pixels, in `bars` order; nil for a bar whose value is not finite.
        public let bars: [PixelRect?]
        /// Whether category labels run upward because they do not fit side by side (vertical bars only).
        public let labelsUpward: Bool
        let value: LinearScale
    }

    /// Centred above the plot, at the style's title scale.
    public var title: String
    /// The value axis title.
    public var valueLabel: String
    /// The category axis title.
    public var categoryLabel: String
    /// Which way bars grow.
    public var orientation: Orientation
    /// The bars, in order along the category axis.
    public var bars: [Bar] = []
    /// The value span to show (e.g. 0...1 for rates), or nil to fit the values and zero.
    public var valueRange: ClosedRange<Double>?
    /// How value tick labels and bar values are written: as numbers or as percentages.
    public var valueStyle: AxisTicks.Style = .number
    /// Whether each bar's value is written at its end.
    public var showsValues = true
    /// Fill colour of bars that have none of their own; nil takes the palette's first colour.
    public var color: RGBColor?
    /// Colours, sizes and font.
    public var style = ChartStyle.standard

    /// An empty chart with these titles.
    public init(title: String = "", valueLabel: String = "", categoryLabel: String = "", orientation: Orientation = .vertical) {
        self.title = title
        self.valueLabel = valueLabel
        self.categoryLabel = categoryLabel
        self.orientation = orientation
    }

    /// Appends a bar.
    public mutating func add(_ label: String, _ value: Double, color: RGBColor? = nil) {
        bars.append(Bar(label: label, value: value, color: color))
    }

    /// The chart as a `width` × `height` image.
    public func render(width: Int = 640, height: Int = 400) -> RGBImage {
        let layout = layout(width: width, height: height)
        let frame = ChartFrame(style: style)
        var canvas = Canvas(width: width, height: height, background: style.background)
        guard !layout.plot.isEmpty else { return canvas.image }
        let plot = layout.plot
        let ticks = layout.valueTicks.values.map(layout.value.pixel)
        let tickLabels = Array(zip(ticks, layout.valueTicks.labels))
        let slots = categorySlots(in: plot)
        let labelLength = categoryLabelLength(width: width, height: height)
        let labelled = Set(labelledCategories(layout))
        switch orientation {
        case .vertical:
            frame.drawGrid(columns: [], rows: ticks, in: plot, on: &canvas)
            frame.drawYAxis(ticks: tickLabels, title: valueLabel, beside: plot, on: &canvas)
            let top = plot.maxY + frame.labelOffset
            for (index, (bar, slot)) in zip(bars, slots).enumerated() where labelled.contains(index) {
                let centre = (slot.lowerBound + slot.upperBound) / 2
                canvas.fill(PixelRect(x: centre, y: plot.maxY, width: 1, height: style.tickLength), with: style.axis)
                if layout.labelsUpward {
                    let text = frame.fitted(bar.label, width: labelLength)
                    style.font.draw(
                        text, on: &canvas, x: centre - style.capHeight / 2, y: top, scale: style.textScale, color: style.text,
                        direction: .upward)
                } else {
                    frame.drawCentred(frame.fitted(bar.label, width: slot.count - 4), atColumn: centre, top: top, on: &canvas)
                }
            }
            let titleTop = top + (layout.labelsUpward ? labelLength : style.textHeight) + style.gap
            frame.drawCentred(categoryLabel, atColumn: plot.x + plot.width / 2, top: titleTop, on: &canvas)
        case .horizontal:
            frame.drawGrid(columns: ticks, rows: [], in: plot, on: &canvas)
            frame.drawXAxis(ticks: tickLabels, title: valueLabel, below: plot, on: &canvas)
            for (index, (bar, slot)) in zip(bars, slots).enumerated() where labelled.contains(index) {
                let centre = (slot.lowerBound + slot.upperBound) / 2
                canvas.fill(PixelRect(x: plot.x - style.tickLength, y: centre, width: style.tickLength, height: 1), with: style.axis)
                let text = frame.fitted(bar.label, width: labelLength)
                style.font.draw(
                    text, on: &canvas, x: plot.x - frame.labelOffset - frame.width(of: text), y: centre - style.capHeight / 2,
                    scale: style.textScale, color: style.text)
            }
            frame.drawUpward(categoryLabel, atRow: plot.y + plot.height / 2, left: style.padding, on: &canvas)
        }
        for (index, bar) in bars.enumerated() {
            if let rect = layout.bars[index] { canvas.fill(rect, with: bar.color ?? color ?? style.color(at: 0)) }
        }
        drawBaseline(layout, on: &canvas)
        frame.drawFrame(plot, on: &canvas)
        if showsValues && valuesFit(layout, slots: slots) { drawValues(layout, slots: slots, on: &canvas) }
        if bars.isEmpty { frame.drawNote("no data", in: plot, on: &canvas) }
        frame.drawTitle(title, over: plot, on: &canvas)
        return canvas.image
    }

    /// Where everything goes in a `width` × `height` image.
    public func layout(width: Int = 640, height: Int = 400) -> Layout {
        let frame = ChartFrame(style: style)
        let finite = bars.map(\.value).filter(\.isFinite)
        let low = min(0, finite.min() ?? 0), high = max(0, finite.max() ?? 0)
        let data = valueRange ?? (low == high ? 0...1 : low...high)
        let valueRoom = showsValues ? (bars.map { frame.width(of: valueText($0.value)) }.max() ?? 0) + 4 : 0
        let top = frame.topMargin(title: title)
        let plot: PixelRect, ticks: AxisTicks, upward: Bool
        switch orientation {
        case .vertical:
            let labelLength = categoryLabelLength(width: width, height: height)
            // Category labels run upward when the widest would not fit in its slot; the value
            // labels are not measured yet, so 40 px stands in for them.
            let widest = bars.map { frame.width(of: $0.label) }.max() ?? 0
            let roughSlot = bars.isEmpty ? width : (width - 2 * style.padding - 40) / bars.count
            upward = widest > roughSlot - 4
            let labels = upward ? labelLength : style.textHeight
            let bottom = height - (frame.labelOffset + labels + (categoryLabel.isEmpty ? 0 : style.gap + style.textHeight) + style.padding)
            // Fitted axes leave room for the value text beyond the longest bars inside the plot.
            var fitted = data
            if valueRange == nil && showsValues && low < high {
                let room = (high - low) * Double(style.textHeight + 4) / Double(max(1, bottom - top - style.textHeight - 4))
                fitted = (low < 0 ? low - room : low)...(high > 0 ? high + room : high)
            }
            ticks = frame.ticks(
                covering: fitted, fixed: valueRange != nil, style: valueStyle, length: bottom - top, preferredSpacing: 45,
                labelExtent: { _ in style.textHeight + 6 })
            let left = frame.leftMargin(labelWidth: ticks.labels.map(frame.width).max() ?? 0, axisTitle: valueLabel)
            plot = PixelRect(x: left, y: top, width: width - style.padding - left, height: bottom - top)
        case .horizontal:
            upward = false
            let left = frame.leftMargin(labelWidth: categoryLabelLength(width: width, height: height), axisTitle: categoryLabel)
            let bottom = height - frame.bottomMargin(axisTitle: valueLabel)
            var right = width - style.padding - valueRoom
            func valueTicks() -> AxisTicks {
                frame.ticks(
                    covering: data, fixed: valueRange != nil, style: valueStyle, length: right - left, preferredSpacing: 80,
                    labelExtent: { ticks in (ticks.labels.map(frame.width).max() ?? 0) + 14 })
            }
            var candidate = valueTicks()
            let overhang = (frame.width(of: candidate.labels.last ?? "") + 1) / 2 + 2
            if width - right < overhang {
                right = width - overhang
                candidate = valueTicks()
            }
            ticks = candidate
            plot = PixelRect(x: left, y: top, width: right - left, height: bottom - top)
        }
        let scale = orientation == .vertical
            ? LinearScale(range: ticks.range, first: plot.maxY - 1, last: plot.y)
            : LinearScale(range: ticks.range, first: plot.x, last: plot.maxX - 1)
        let baseline = scale.pixel(min(ticks.range.upperBound, max(ticks.range.lowerBound, 0)))
        let rects = zip(bars, categorySlots(in: plot)).map { bar, slot -> PixelRect? in
            guard bar.value.isFinite else { return nil }
            let end = scale.pixel(bar.value)
            let thickness = max(1, slot.count * 7 / 10), start = slot.lowerBound + (slot.count - thickness) / 2
            let along = min(end, baseline), length = abs(end - baseline) + 1
            return orientation == .vertical
                ? PixelRect(x: start, y: along, width: thickness, height: length)
                : PixelRect(x: along, y: start, width: length, height: thickness)
        }
        return Layout(plot: plot, valueTicks: ticks, bars: rects, labelsUpward: upward, value: scale)
    }

    private func valueText(_ value: Double) -> String {
        valueStyle == .percent && value.isFinite ? ChartNumberFormat.percent(value) : ChartNumberFormat.compact(value)
    }

    /// The room category labels take across their axis: the widest label, but at most a third
    /// of the chart (longer ones are cut short).
    private func categoryLabelLength(width: Int, height: Int) -> Int {
        let widest = bars.map { ChartFrame(style: style).width(of: $0.label) }.max() ?? 0
        return min(widest, orientation == .vertical ? height / 3 : width / 3)
    }

    /// The columns (vertical bars) or rows (horizontal bars) each category gets, in order.
    private func categorySlots(in plot: PixelRect) -> [Range<Int>] {
        let origin = orientation == .vertical ? plot.x : plot.y
        let length = orientation == .vertical ? plot.width : plot.height
        return bars.indices.map { index in
            origin + length * index / bars.count..<origin + length * (index + 1) / bars.count
        }
    }

    /// The categories that get a name: all of them, or every n-th when slots are thinner than a line of text.
    private func labelledCategories(_ layout: Layout) -> StrideTo<Int> {
        let slots = categorySlots(in: layout.plot)
        let thinnest = slots.map(\.count).min() ?? 1
        let needed = orientation == .horizontal || layout.labelsUpward ? style.capHeight + 3 : 1
        return stride(from: 0, to: bars.count, by: max(1, (needed + thinnest - 1) / max(1, thinnest)))
    }

    /// Whether every value text fits its slot across the bars, so neighbours' texts cannot collide.
    private func valuesFit(_ layout: Layout, slots: [Range<Int>]) -> Bool {
        let thinnest = slots.map(\.count).min() ?? 0
        guard orientation == .vertical else { return thinnest >= style.capHeight + 2 }
        let frame = ChartFrame(style: style)
        return bars.allSatisfy { frame.width(of: valueText($0.value)) + 2 <= thinnest }
    }

    /// The zero line, when it lies inside the plot rather than on its frame.
    private func drawBaseline(_ layout: Layout, on canvas: inout Canvas) {
        let range = layout.valueTicks.range
        guard range.lowerBound < 0, range.upperBound > 0 else { return }
        let at = layout.value.pixel(0)
        let line = orientation == .vertical
            ? PixelRect(x: layout.plot.x, y: at, width: layout.plot.width, height: 1)
            : PixelRect(x: at, y: layout.plot.y, width: 1, height: layout.plot.height)
        canvas.fill(line, with: style.axis)
    }

    /// Each bar's value just beyond its end, on the side away from zero.
    private func drawValues(_ layout: Layout, slots: [Range<Int>], on canvas: inout Canvas) {
        let frame = ChartFrame(style: style)
        let baseline = layout.value.pixel(min(layout.valueTicks.range.upperBound, max(layout.valueTicks.range.lowerBound, 0)))
        for (index, bar) in bars.enumerated() {
            let text = valueText(bar.value)
            // A bar left out for a non-finite value gets its text at the baseline, as if it were 0.
            let rect = layout.bars[index] ?? PixelRect(x: baseline, y: baseline, width: 1, height: 1)
            let negative = bar.value < 0
            let centre = (slots[index].lowerBound + slots[index].upperBound) / 2
            let textWidth = frame.width(of: text)
            // Text that would cross the frame goes inside the bar's end instead, where there is room.
            let fill = bar.color ?? color ?? style.color(at: 0)
            let inside = fill.luminance < 0.5 ? RGBColor.white : style.text
            switch orientation {
            case .vertical:
                let outside = negative ? rect.maxY + 3 : rect.y - 3 - style.capHeight
                let crosses = negative ? outside + style.capHeight > layout.plot.maxY - 2 : outside < layout.plot.y + 2
                let moved = crosses && rect.height >= style.capHeight + 6
                let top = moved ? (negative ? rect.maxY - 3 - style.capHeight : rect.y + 3) : outside
                frame.drawCentred(text, atColumn: centre, top: top, color: moved ? inside : style.text, on: &canvas)
            case .horizontal:
                let outside = negative ? rect.x - 4 - textWidth : rect.maxX + 4
                let crosses = negative ? outside < layout.plot.x + 2 : outside + textWidth > canvas.width
                let moved = crosses && rect.width >= textWidth + 6
                let x = moved ? (negative ? rect.x + 3 : rect.maxX - 3 - textWidth) : outside
                style.font.draw(
                    text, on: &canvas, x: x, y: centre - style.capHeight / 2, scale: style.textScale, color: moved ? inside : style.text)
            }
        }
    }
}
