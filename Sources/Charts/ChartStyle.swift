/// Colours, text sizes and spacing shared by all charts; lengths are in SVG user units (CSS pixels at 1:1).
public struct ChartStyle: Sendable {
    /// Behind everything.
    public var background = ChartColor.white
    /// Titles, tick labels and legend text.
    public var text = ChartColor(hex: 0x222222)
    /// Notes such as "no data".
    public var mutedText = ChartColor(hex: 0x8C8C8C)
    /// The plot frame and tick marks.
    public var axis = ChartColor(hex: 0x3C3C3C)
    /// Grid lines behind the data.
    public var grid = ChartColor(hex: 0xE4E4E4)
    /// Series and bar colours, used in turn when none is given.
    public var palette: [ChartColor] = [.blue, .orange, .green, .red, .purple, .brown, .pink, .gray, .olive, .cyan]
    /// The CSS font list for all text; the viewer's own fonts draw it, so any script shows.
    public var fontFamily = "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', Arial, sans-serif"
    /// Size of tick labels, axis titles and legend text.
    public var fontSize = 12.0
    /// Size of the chart title.
    public var titleSize = 15.0
    /// Empty border around the whole chart.
    public var padding = 12.0
    /// Length of tick marks outside the plot frame.
    public var tickLength = 4.0
    /// Space between neighbouring pieces of text and what they label.
    public var gap = 5.0
    /// Width of series lines when a series does not set its own.
    public var lineWidth = 2.0
    /// Diameter of data-point markers.
    public var markerSize = 7.0

    /// The default look.
    public static let standard = ChartStyle()

    /// The default look; change properties to adjust it.
    public init() {}

    /// The palette colour for the `index`-th series or bar, cycling when there are more than colours.
    public func color(at index: Int) -> ChartColor {
        palette.isEmpty ? text : palette[((index % palette.count) + palette.count) % palette.count]
    }

    /// Height of a line of label text.
    var lineHeight: Double { (fontSize * 1.25).rounded(.up) }
    /// Height of a line of title text.
    var titleLineHeight: Double { (titleSize * 1.25).rounded(.up) }

    /// About how wide `text` is at `size`: the viewer picks the font, so layout leaves room for a
    /// typical sans-serif one, erring wide.
    func width(of text: String, size: Double? = nil) -> Double {
        let em = text.reduce(0.0) { total, character in
            switch character {
            case " ", ".", ",", ":", ";", "!", "|", "'", "i", "j", "l", "I", "(", ")", "[", "]": total + 0.33
            case "f", "r", "t", "-": total + 0.45
            case "m", "w", "M", "W", "%", "@", "…": total + 0.95
            case _ where character.isUppercase: total + 0.72
            default: total + (character.isASCII ? 0.6 : 0.72)
            }
        }
        return em * (size ?? fontSize)
    }

    /// `text` cut short with "…" so it is at most `limit` wide; empty when not even one letter would fit.
    func fitted(_ text: String, width limit: Double, size: Double? = nil) -> String {
        guard width(of: text, size: size) > limit else { return text }
        var kept = Substring(text)
        while !kept.isEmpty && width(of: kept + "…", size: size) > limit { kept.removeLast() }
        return kept.isEmpty ? "" : kept + "…"
    }
}
