/// Maps data values linearly onto a pixel axis: the range's bounds land on the centres of its end pixels.
struct LinearScale {
    let range: ClosedRange<Double>
    /// Pixel coordinate of `range.lowerBound`.
    let start: Double
    /// Pixel coordinate of `range.upperBound`; below `start` for y axes, which grow upward.
    let end: Double

    /// The axis of pixels `first...last` (columns, or rows counted from the top) showing `range`.
    init(range: ClosedRange<Double>, first: Int, last: Int) {
        self.range = range
        start = Double(first) + 0.5
        end = Double(last) + 0.5
    }

    /// The pixel coordinate of `value` (possibly far off the axis; the canvas clips).
    func callAsFunction(_ value: Double) -> Double {
        let width = range.upperBound - range.lowerBound
        return width > 0 ? start + (value - range.lowerBound) / width * (end - start) : (start + end) / 2
    }

    /// The whole pixel holding `value`, kept within the axis so it is always safe to draw at.
    func pixel(_ value: Double) -> Int {
        let position = self(value)
        let low = min(start, end), high = max(start, end)
        return Int((position.isNaN ? low : min(high, max(low, position))).rounded(.down))
    }

    /// Pixels between neighbouring ticks `step` apart.
    func spacing(of step: Double) -> Double {
        let width = range.upperBound - range.lowerBound
        return width > 0 ? abs(end - start) * step / width : 0
    }
}
