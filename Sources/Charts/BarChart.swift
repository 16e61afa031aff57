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
        public var color: ChartColor?
        /// A confidence interval drawn as a whisker across the bar's end; nil for none.
        public var interval: ClosedRange<Double>?

        /// A bar for `label` of length `value`.
        public init(label: String, value: Double, color: ChartColor? = nil, interval: ClosedRange<Double>? = nil) {
            (self.label, self.value, self.color, self.interval) = (label, value, color, interval)
        }
    }

    /// Where everything goes for one output size; `render` draws exactly this.
    public struct Layout: Sendable {
        /// The plot area, inside the axis frame.
        public let plot: ChartRect
        /// Ticks along the value axis; `valueTicks.range` is the span shown.
        public let valueTicks: AxisTicks
        /// Each bar's rectangle, in `bars` order; nil for a bar whose value is not finite.
        public let bars: [ChartRect?]
        /// Whether category labels run upward because they do not fit side by side (vertical bars only).
        public let labelsUpward: Bool
        let value: LinearScale
    }

    /// Centred above the plot, in bold.
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
    public var color: ChartColor?
    /// Colours, sizes and fonts.
    public var style = ChartStyle.standard

    /// An empty chart with these titles.
    public init(title: String = "", valueLabel: String = "", categoryLabel: String = "", orientation: Orientation = .vertical) {
        (self.title, self.valueLabel, self.categoryLabel, self.orientation) = (title, valueLabel, categoryLabel, orientation)
    }

    /// Appends a bar.
    public mutating func add(_ label: String, _ value: Double, color: ChartColor? = nil, interval: ClosedRange<Double>? = nil) {
        bars.append(Bar(label: label, value: value, color: color, interval: interval))
    }

    /// The chart as SVG, `width` × `height` CSS pixels.
    public func render(width: Double = 640, height: Double = 400) -> SVG {
        let layout = layout(width: width, height: height)
        let frame = ChartFrame(style: style)
        var canvas = SVGCanvas(width: width, height: height, style: style)
        guard !layout.plot.isEmpty else { return canvas.svg(title: title) }
        let plot = layout.plot
        let ticks = layout.valueTicks.values.map { layout.value($0) }
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
                canvas.line(from: (slot.mid, plot.maxY), to: (slot.mid, plot.maxY + style.tickLength), color: style.axis)
                if layout.labelsUpward {
                    let text = style.fitted(bar.label, width: labelLength)
                    let length = style.width(of: text)
                    canvas.text(text, x: slot.mid, y: top + length / 2, anchor: .middle, upward: true, whole: bar.label)
                } else {
                    let text = style.fitted(bar.label, width: slot.length - 4)
                    canvas.text(text, x: slot.mid, y: top + style.lineHeight / 2, anchor: .middle, whole: bar.label)
                }
            }
            let titleTop = top + (layout.labelsUpward ? labelLength : style.lineHeight) + style.gap
            canvas.text(categoryLabel, x: plot.midX, y: titleTop + style.lineHeight / 2, anchor: .middle)
        case .horizontal:
            frame.drawGrid(columns: ticks, rows: [], in: plot, on: &canvas)
            frame.drawXAxis(ticks: tickLabels, title: valueLabel, below: plot, on: &canvas)
            for (index, (bar, slot)) in zip(bars, slots).enumerated() where labelled.contains(index) {
                canvas.line(from: (plot.x - style.tickLength, slot.mid), to: (plot.x, slot.mid), color: style.axis)
                let text = style.fitted(bar.label, width: labelLength)
                canvas.text(text, x: plot.x - frame.labelOffset, y: slot.mid, anchor: .end, whole: bar.label)
            }
            frame.drawUpward(categoryLabel, atY: plot.midY, left: style.padding, limit: plot.height, on: &canvas)
        }
        for (index, bar) in bars.enumerated() {
            if let rect = layout.bars[index] { canvas.fill(rect, with: bar.color ?? color ?? style.color(at: 0)) }
        }
        // Whiskers: the interval across the middle of the bar's slot, with short caps.
        for (bar, slot) in zip(bars, slots) {
            guard let interval = bar.interval, interval.lowerBound.isFinite, interval.upperBound.isFinite else { continue }
            let (low, high) = (layout.value.clamped(interval.lowerBound), layout.value.clamped(interval.upperBound))
            let cap = slot.length * 0.2
            let points: [((Double, Double), (Double, Double))] = orientation == .horizontal
                ? [((low, slot.mid), (high, slot.mid)), ((low, slot.mid - cap), (low, slot.mid + cap)), ((high, slot.mid - cap), (high, slot.mid + cap))]
                : [((slot.mid, low), (slot.mid, high)), ((slot.mid - cap, low), (slot.mid + cap, low)), ((slot.mid - cap, high), (slot.mid + cap, high))]
            for (a, b) in points { canvas.line(from: a, to: b, color: style.axis, width: 1.5) }
        }
        drawBaseline(layout, on: &canvas)
        frame.drawFrame(plot, on: &canvas)
        if showsValues && valuesFit(layout, slots: slots) { drawValues(layout, slots: slots, width: width, on: &canvas) }
        if bars.isEmpty { frame.drawNote("no data", in: plot, on: &canvas) }
        frame.drawTitle(title, over: plot, on: &canvas)
        return canvas.svg(title: title)
    }

    /// Where everything goes in a `width` × `height` chart.
    public func layout(width: Double = 640, height: Double = 400) -> Layout {
        let frame = ChartFrame(style: style)
        let finite = bars.map(\.value).filter(\.isFinite)
        let low = min(0, finite.min() ?? 0), high = max(0, finite.max() ?? 0)
        let data = valueRange ?? (low == high ? 0...1 : low...high)
        let valueRoom = showsValues ? (bars.map { style.width(of: valueText($0.value)) }.max() ?? 0) + 4 : 0
        let top = frame.topMargin(title: title)
        let plot: ChartRect, ticks: AxisTicks, upward: Bool
        switch orientation {
        case .vertical:
            let labelLength = categoryLabelLength(width: width, height: height)
            // Category labels run upward when the widest would not fit in its slot; the value
            // labels are not measured yet, so 40 units stand in for them.
            let widest = bars.map { style.width(of: $0.label) }.max() ?? 0
            let roughSlot = bars.isEmpty ? width : (width - 2 * style.padding - 40) / Double(bars.count)
            upward = widest > roughSlot - 4
            let labels = upward ? labelLength : style.lineHeight
            let bottom = height - (frame.labelOffset + labels + (categoryLabel.isEmpty ? 0 : style.gap + style.lineHeight) + style.padding)
            // Fitted axes leave room for the value text beyond the longest bars inside the plot.
            var fitted = data
            if valueRange == nil && showsValues && low < high {
                let room = (high - low) * (style.lineHeight + 4) / max(1, bottom - top - style.lineHeight - 4)
                fitted = (low < 0 ? low - room : low)...(high > 0 ? high + room : high)
            }
            ticks = frame.ticks(
                covering: fitted, fixed: valueRange != nil, style: valueStyle, length: bottom - top, preferredSpacing: 45,
                labelExtent: { _ in style.lineHeight + 6 })
            let left = frame.leftMargin(labelWidth: ticks.labels.map { style.width(of: $0) }.max() ?? 0, axisTitle: valueLabel)
            plot = ChartRect(x: left, y: top, width: width - style.padding - left, height: bottom - top)
        case .horizontal:
            upward = false
            let left = frame.leftMargin(labelWidth: categoryLabelLength(width: width, height: height), axisTitle: categoryLabel)
            let bottom = height - frame.bottomMargin(axisTitle: valueLabel)
            var right = width - style.padding - valueRoom
            func valueTicks() -> AxisTicks {
                frame.ticks(
                    covering: data, fixed: valueRange != nil, style: valueStyle, length: right - left, preferredSpacing: 80,
                    labelExtent: { ticks in (ticks.labels.map { style.width(of: $0) }.max() ?? 0) + 14 })
            }
            var candidate = valueTicks()
            let overhang = style.width(of: candidate.labels.last ?? "") / 2 + 2
            if width - right < overhang {
                right = width - overhang
                candidate = valueTicks()
            }
            ticks = candidate
            plot = ChartRect(x: left, y: top, width: right - left, height: bottom - top)
        }
        let scale = orientation == .vertical
            ? LinearScale(range: ticks.range, start: plot.maxY, end: plot.y)
            : LinearScale(range: ticks.range, start: plot.x, end: plot.maxX)
        let baseline = scale.clamped(0)
        let rects = zip(bars, categorySlots(in: plot)).map { bar, slot -> ChartRect? in
            guard bar.value.isFinite else { return nil }
            let end = scale.clamped(bar.value)
            let thickness = slot.length * 0.7, start = slot.start + (slot.length - thickness) / 2
            let along = min(end, baseline), length = abs(end - baseline)
            return orientation == .vertical
                ? ChartRect(x: start, y: along, width: thickness, height: length)
                : ChartRect(x: along, y: start, width: length, height: thickness)
        }
        return Layout(plot: plot, valueTicks: ticks, bars: rects, labelsUpward: upward, value: scale)
    }

    private func valueText(_ value: Double) -> String {
        valueStyle == .percent && value.isFinite ? ChartNumberFormat.percent(value) : ChartNumberFormat.compact(value)
    }

    /// The room category labels take across their axis: the widest label, but at most a third
    /// of the chart (longer ones are cut short).
    private func categoryLabelLength(width: Double, height: Double) -> Double {
        let widest = bars.map { style.width(of: $0.label) }.max() ?? 0
        return min(widest, orientation == .vertical ? height / 3 : width / 3)
    }

    /// The stretch of the category axis one bar gets.
    private struct Slot {
        let start: Double
        let length: Double
        var mid: Double { start + length / 2 }
    }

    /// The stretches (columns for vertical bars, rows for horizontal ones) each category gets, in order.
    private func categorySlots(in plot: ChartRect) -> [Slot] {
        let origin = orientation == .vertical ? plot.x : plot.y
        let length = (orientation == .vertical ? plot.width : plot.height) / Double(max(1, bars.count))
        return bars.indices.map { Slot(start: origin + length * Double($0), length: length) }
    }

    /// The categories that get a name: all of them, or every n-th when slots are thinner than a line of text.
    private func labelledCategories(_ layout: Layout) -> StrideTo<Int> {
        let thinnest = categorySlots(in: layout.plot).map(\.length).min() ?? 1
        let needed = orientation == .horizontal || layout.labelsUpward ? style.fontSize + 2 : 1
        let every = thinnest > 0 ? Int(min(Double(bars.count), (needed / thinnest).rounded(.up))) : bars.count
        return stride(from: 0, to: bars.count, by: max(1, every))
    }

    /// Whether every value text fits its slot across the bars, so neighbours' texts cannot collide.
    private func valuesFit(_ layout: Layout, slots: [Slot]) -> Bool {
        let thinnest = slots.map(\.length).min() ?? 0
        guard orientation == .vertical else { return thinnest >= style.fontSize + 2 }
        return bars.allSatisfy { style.width(of: valueText($0.value)) + 2 <= thinnest }
    }

    /// The zero line, when it lies inside the plot rather than on its frame.
    private func drawBaseline(_ layout: Layout, on canvas: inout SVGCanvas) {
        let range = layout.valueTicks.range
        guard range.lowerBound < 0, range.upperBound > 0 else { return }
        let at = layout.value(0), plot = layout.plot
        switch orientation {
        case .vertical: canvas.line(from: (plot.x, at), to: (plot.maxX, at), color: style.axis)
        case .horizontal: canvas.line(from: (at, plot.y), to: (at, plot.maxY), color: style.axis)
        }
    }

    /// Each bar's value just beyond its end, on the side away from zero; inside the bar's end where
    /// outside would cross the frame.
    private func drawValues(_ layout: Layout, slots: [Slot], width: Double, on canvas: inout SVGCanvas) {
        let baseline = layout.value.clamped(0)
        let textHeight = style.fontSize
        for (index, bar) in bars.enumerated() {
            let text = valueText(bar.value)
            // A bar left out for a non-finite value gets its text at the baseline, as if it were 0.
            let rect = layout.bars[index] ?? ChartRect(x: baseline, y: baseline, width: 0, height: 0)
            let negative = bar.value < 0
            let centre = slots[index].mid
            let textWidth = style.width(of: text)
            let fill = bar.color ?? color ?? style.color(at: 0)
            let inside = fill.luminance < 0.5 ? ChartColor.white : style.text
            switch orientation {
            case .vertical:
                let outside = negative ? rect.maxY + 3 + textHeight / 2 : rect.y - 3 - textHeight / 2
                let crosses = negative ? outside + textHeight / 2 > layout.plot.maxY - 2 : outside - textHeight / 2 < layout.plot.y + 2
                let moved = crosses && rect.height >= textHeight + 6
                let middle = moved ? (negative ? rect.maxY - 3 - textHeight / 2 : rect.y + 3 + textHeight / 2) : outside
                canvas.text(text, x: centre, y: middle, anchor: .middle, color: moved ? inside : style.text)
            case .horizontal:
                let outside = negative ? rect.x - 4 - textWidth : rect.maxX + 4
                let crosses = negative ? outside < layout.plot.x + 2 : outside + textWidth > width
                let moved = crosses && rect.width >= textWidth + 6
                let x = moved ? (negative ? rect.x + 3 : rect.maxX - 3 - textWidth) : outside
                canvas.text(text, x: x, y: centre, color: moved ? inside : style.text)
            }
        }
    }
}
