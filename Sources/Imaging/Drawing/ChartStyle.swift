/// Colours, text sizes and spacing shared by all charts.
public struct ChartStyle: Sendable {
    /// Behind everything.
    public var background = RGBColor.white
    /// Titles, tick labels and legend text.
    public var text = RGBColor(hex: 0x222222)
    /// Notes such as "no data".
    public var mutedText = RGBColor(hex: 0x8C8C8C)
    /// The plot frame and tick marks.
    public var axis = RGBColor(hex: 0x3C3C3C)
    /// Grid lines behind the data.
    public var grid = RGBColor(hex: 0xE4E4E4)
    /// Series and bar colours, used in turn when none is given.
    public var palette: [RGBColor] = [.blue, .orange, .green, .red, .purple, .brown, .pink, .gray, .olive, .cyan]
    /// The font for all text.
    public var font = BitmapFont.standard
    /// Scale of tick labels, axis titles and legend text.
    public var textScale = 1
    /// Scale of the chart title.
    public var titleScale = 2
    /// Empty border around the whole chart, in pixels.
    public var padding = 12
    /// Length of tick marks outside the plot frame, in pixels.
    public var tickLength = 4
    /// Space between neighbouring pieces of text and what they label, in pixels.
    public var gap = 5
    /// Width of series lines when a series does not set its own, in pixels.
    public var lineWidth = 2.0
    /// Diameter of data-point markers, in pixels.
    public var markerSize = 7.0

    /// The default look.
    public static let standard = ChartStyle()

    /// The default look; change properties to adjust it.
    public init() {}

    /// The palette colour for the `index`-th series or bar, cycling when there are more than colours.
    public func color(at index: Int) -> RGBColor {
        palette.isEmpty ? text : palette[((index % palette.count) + palette.count) % palette.count]
    }

    /// Height of a line of tick-label text.
    var textHeight: Int { font.lineHeight(scale: textScale) }
    /// Height of capitals and digits in tick-label text, which labels are centred on.
    var capHeight: Int { font.ascent * max(1, textScale) }
}
