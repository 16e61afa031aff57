import Formatting

/// Collects SVG elements for one chart; every string that reaches the markup is escaped here.
struct SVGCanvas {
    /// How text is placed against its anchor point.
    enum Anchor: String {
        case start, middle, end
    }

    let width: Double
    let height: Double
    let style: ChartStyle
    private var elements: [String] = []

    init(width: Double, height: Double, style: ChartStyle) {
        (self.width, self.height, self.style) = (max(0, width), max(0, height), style)
        fill(ChartRect(x: 0, y: 0, width: self.width, height: self.height), with: style.background)
    }

    /// The finished drawing.
    func svg(title: String) -> SVG {
        let font = "<g font-family=\"\(MarkupText.escaped(style.fontFamily))\" font-size=\"\(Self.number(style.fontSize))\">\n"
        return SVG(width: width, height: height, title: title, body: font + elements.joined() + "</g>\n")
    }

    mutating func fill(_ rect: ChartRect, with color: ChartColor, opacity: Double = 1, stroke: ChartColor? = nil) {
        guard !rect.isEmpty, [rect.x, rect.y, rect.width, rect.height].allSatisfy(\.isFinite) else { return }
        let opacityText = opacity < 1 ? " fill-opacity=\"\(Self.number(opacity))\"" : ""
        let strokeText = stroke.map { " stroke=\"\($0.css)\"" } ?? ""
        elements.append(
            "<rect x=\"\(Self.number(rect.x))\" y=\"\(Self.number(rect.y))\" width=\"\(Self.number(rect.width))\" "
                + "height=\"\(Self.number(rect.height))\" fill=\"\(color.css)\"\(opacityText)\(strokeText)/>\n")
    }

    /// An unfilled rectangle whose 1-unit border lies just inside `rect`.
    mutating func stroke(_ rect: ChartRect, with color: ChartColor) {
        guard !rect.isEmpty else { return }
        let inner = rect.insetBy(0.5)
        elements.append(
            "<rect x=\"\(Self.number(inner.x))\" y=\"\(Self.number(inner.y))\" width=\"\(Self.number(inner.width))\" "
                + "height=\"\(Self.number(inner.height))\" fill=\"none\" stroke=\"\(color.css)\"/>\n")
    }

    mutating func line(from a: (x: Double, y: Double), to b: (x: Double, y: Double), color: ChartColor, width: Double = 1,
                       dash: LineChart.Dash? = nil) {
        polyline([a, b], color: color, width: width, dash: dash)
    }

    mutating func polyline(_ points: [(x: Double, y: Double)], color: ChartColor, width: Double, dash: LineChart.Dash? = nil) {
        let finite = points.filter { $0.x.isFinite && $0.y.isFinite }
        guard finite.count >= 2 else { return }
        // Data far off the axes maps to huge coordinates: such lines go segment by segment, cut to a
        // box well beyond any viewer, so the visible part keeps its true slope.
        guard finite.allSatisfy({ abs($0.x) <= Self.reach && abs($0.y) <= Self.reach }) else {
            for (a, b) in zip(finite, finite.dropFirst()) {
                if let (p, q) = Self.cut(a, b) { polyline([p, q], color: color, width: width, dash: dash) }
            }
            return
        }
        let list = finite.map { Self.number($0.x) + "," + Self.number($0.y) }.joined(separator: " ")
        let dashText = dash.map { " stroke-dasharray=\"\(Self.number($0.on)) \(Self.number($0.off))\"" } ?? ""
        elements.append(
            "<polyline points=\"\(list)\" fill=\"none\" stroke=\"\(color.css)\" stroke-width=\"\(Self.number(width))\" "
                + "stroke-linejoin=\"round\" stroke-linecap=\"round\"\(dashText)/>\n")
    }

    mutating func marker(_ marker: LineChart.Marker, at centre: (x: Double, y: Double), size: Double, color: ChartColor) {
        guard centre.x.isFinite, centre.y.isFinite else { return }
        let r = size / 2, x = Self.number(centre.x), y = Self.number(centre.y)
        switch marker {
        case .circle:
            elements.append("<circle cx=\"\(x)\" cy=\"\(y)\" r=\"\(Self.number(r))\" fill=\"\(color.css)\"/>\n")
        case .square:
            fill(ChartRect(x: centre.x - r, y: centre.y - r, width: size, height: size), with: color)
        case .diamond:
            let d = r * 2.0.squareRoot()
            let corners = [(centre.x, centre.y - d), (centre.x + d, centre.y), (centre.x, centre.y + d), (centre.x - d, centre.y)]
            let list = corners.map { Self.number($0.0) + "," + Self.number($0.1) }.joined(separator: " ")
            elements.append("<polygon points=\"\(list)\" fill=\"\(color.css)\"/>\n")
        }
    }

    /// One line of text; `y` is its vertical centre. With `upward` it runs bottom to top, turned about
    /// (`x`, `y`). Text that was cut short carries the whole as a tooltip.
    mutating func text(
        _ text: String, x: Double, y: Double, anchor: Anchor = .start, size: Double? = nil, bold: Bool = false,
        color: ChartColor? = nil, upward: Bool = false, whole: String? = nil
    ) {
        guard !text.isEmpty, x.isFinite, y.isFinite else { return }
        var attributes = "x=\"\(Self.number(x))\" y=\"\(Self.number(y))\" dy=\"0.35em\" fill=\"\((color ?? style.text).css)\""
        if anchor != .start { attributes += " text-anchor=\"\(anchor.rawValue)\"" }
        if let size { attributes += " font-size=\"\(Self.number(size))\"" }
        if bold { attributes += " font-weight=\"bold\"" }
        if upward { attributes += " transform=\"rotate(-90 \(Self.number(x)) \(Self.number(y)))\"" }
        let tooltip = whole.flatMap { $0 == text ? nil : "<title>\(MarkupText.escaped($0, inAttribute: false))</title>" } ?? ""
        elements.append("<text \(attributes)>\(MarkupText.escaped(text, inAttribute: false))\(tooltip)</text>\n")
    }

    /// Lines of text one under another, `lineHeight` apart, the first centred on `y`: one element, so the
    /// whole reads, selects and searches as the one text it was before it was broken.
    mutating func text(lines: [String], x: Double, y: Double, lineHeight: Double, anchor: Anchor = .start) {
        guard !lines.isEmpty, x.isFinite, y.isFinite else { return }
        var attributes = "fill=\"\(style.text.css)\""
        if anchor != .start { attributes += " text-anchor=\"\(anchor.rawValue)\"" }
        let spans = lines.enumerated().map { index, line in
            // The space that the break replaced ends the line, so the text's content is the unbroken original.
            let content = MarkupText.escaped(index < lines.count - 1 ? line + " " : line, inAttribute: false)
            return "<tspan x=\"\(Self.number(x))\" y=\"\(Self.number(y + Double(index) * lineHeight))\" dy=\"0.35em\">\(content)</tspan>"
        }
        elements.append("<text \(attributes)>\(spans.joined())</text>\n")
    }

    /// Draws `body` clipped to `rect`, by a nested viewport rather than a clip path, whose id could
    /// clash with another chart's on the same page.
    mutating func clipped(to rect: ChartRect, _ body: (inout SVGCanvas) -> Void) {
        var inner = SVGCanvas(elementsOnly: style)
        body(&inner)
        guard !rect.isEmpty, !inner.elements.isEmpty else { return }
        let box = [rect.x, rect.y, rect.width, rect.height].map(Self.number)
        elements.append(
            "<svg x=\"\(box[0])\" y=\"\(box[1])\" width=\"\(box[2])\" height=\"\(box[3])\" "
                + "viewBox=\"\(box.joined(separator: " "))\" overflow=\"hidden\">\n" + inner.elements.joined() + "</svg>\n")
    }

    private init(elementsOnly style: ChartStyle) {
        (width, height, self.style) = (0, 0, style)
    }

    /// The largest coordinate written; far beyond any drawing, small enough to print exactly.
    private static let reach = 1e6

    /// The part of segment `a`–`b` inside ±`reach` on both axes (Liang–Barsky), or nil when none is.
    private static func cut(_ a: (x: Double, y: Double), _ b: (x: Double, y: Double)) -> ((x: Double, y: Double), (x: Double, y: Double))? {
        var enter = 0.0, leave = 1.0
        let dx = b.x - a.x, dy = b.y - a.y
        for (p, q) in [(-dx, a.x + reach), (dx, reach - a.x), (-dy, a.y + reach), (dy, reach - a.y)] {
            if p == 0 {
                if q < 0 { return nil }
            } else {
                let t = q / p
                if p < 0 { enter = max(enter, t) } else { leave = min(leave, t) }
            }
        }
        guard enter <= leave, dx.isFinite, dy.isFinite else { return nil }
        return ((a.x + enter * dx, a.y + enter * dy), (a.x + leave * dx, a.y + leave * dy))
    }

    /// Coordinates to two decimals, without trailing zeros: "12", "12.5", "-0.25".
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        let hundredths = (value * 100).rounded()
        // Only marks far off the drawing get here, where exactly does not matter.
        guard abs(hundredths) < 1e15 else { return value < 0 ? "-1e13" : "1e13" }
        let n = Int64(hundredths), whole = n.magnitude / 100, fraction = n.magnitude % 100
        let sign = n < 0 ? "-" : ""
        switch fraction {
        case 0: return sign + String(whole)
        case _ where fraction % 10 == 0: return sign + String(whole) + "." + String(fraction / 10)
        default: return sign + String(whole) + "." + (fraction < 10 ? "0" : "") + String(fraction)
        }
    }
}
