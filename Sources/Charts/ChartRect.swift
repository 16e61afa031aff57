/// A rectangle in a chart's coordinates (SVG user units, y growing downward).
public struct ChartRect: Sendable, Hashable {
    /// Left edge.
    public var x: Double
    /// Top edge.
    public var y: Double
    /// Width; never negative.
    public var width: Double
    /// Height; never negative.
    public var height: Double

    /// The rectangle with this corner and size; a negative or NaN size is taken as empty.
    public init(x: Double, y: Double, width: Double, height: Double) {
        (self.x, self.y) = (x, y)
        self.width = width > 0 ? width : 0
        self.height = height > 0 ? height : 0
    }

    /// Right edge.
    public var maxX: Double { x + width }
    /// Bottom edge.
    public var maxY: Double { y + height }
    /// Horizontal centre.
    public var midX: Double { x + width / 2 }
    /// Vertical centre.
    public var midY: Double { y + height / 2 }
    /// Whether the rectangle covers no area.
    public var isEmpty: Bool { width == 0 || height == 0 }

    /// Whether the point lies inside or on the edge.
    public func contains(x px: Double, y py: Double) -> Bool {
        px >= x && px <= maxX && py >= y && py <= maxY
    }

    /// The rectangle shrunk by `amount` on every side (grown when negative).
    public func insetBy(_ amount: Double) -> ChartRect {
        ChartRect(x: x + amount, y: y + amount, width: width - 2 * amount, height: height - 2 * amount)
    }
}
