/// Maps data values linearly onto a chart axis: the range's lower bound to `start`, its upper bound to `end`.
struct LinearScale {
    let range: ClosedRange<Double>
    /// Coordinate of `range.lowerBound`.
    let start: Double
    /// Coordinate of `range.upperBound`; above (less than) `start` for y axes, which grow upward.
    let end: Double

    /// The coordinate of `value` (possibly far off the axis; the plot clips).
    func callAsFunction(_ value: Double) -> Double {
        let width = range.upperBound - range.lowerBound
        return width > 0 ? start + (value - range.lowerBound) / width * (end - start) : (start + end) / 2
    }

    /// The coordinate of `value`, kept within the axis.
    func clamped(_ value: Double) -> Double {
        let position = self(value)
        let low = min(start, end), high = max(start, end)
        return position.isNaN ? low : min(high, max(low, position))
    }

    /// Distance between neighbouring ticks `step` apart.
    func spacing(of step: Double) -> Double {
        let width = range.upperBound - range.lowerBound
        return width > 0 ? abs(end - start) * step / width : 0
    }
}
