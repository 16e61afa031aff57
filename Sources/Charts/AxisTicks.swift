import Foundation

/// Evenly spaced tick values 1, 2 or 5 × 10^k apart, with their labels, for one chart axis.
public struct AxisTicks: Sendable, Equatable {
    /// How tick labels are written.
    public enum Style: Sendable, Hashable {
        /// Plain numbers: "0.25", "500", "20k".
        case number
        /// Fractions as percentages: 0.25 → "25%".
        case percent
    }

    /// The tick positions, ascending, in data units.
    public let values: [Double]
    /// One label per value, all written with the same number of decimals.
    public let labels: [String]
    /// The distance between neighbouring ticks.
    public let step: Double
    /// The span the axis shows: the data range widened out to whole steps, or the fixed range as given.
    public let range: ClosedRange<Double>

    /// About `targetCount` ticks for data spanning `range`.
    ///
    /// Unless `fixed`, the axis widens to the nearest tick at or beyond each end of the data so
    /// both ends are labelled; with `fixed` it shows exactly `range` and ticks fall inside it.
    /// A zero-width range is widened by 10% of its value (or by 1 around 0) either side;
    /// non-finite bounds give 0...1.
    public init(covering range: ClosedRange<Double>, targetCount: Int = 6, fixed: Bool = false, style: Style = .number) {
        var lower = range.lowerBound, upper = range.upperBound
        if !lower.isFinite || !upper.isFinite { (lower, upper) = (0, 1) }
        // Keeps upper - lower finite.
        lower = max(lower, -1e300)
        upper = min(upper, 1e300)
        let magnitude = max(abs(lower), abs(upper))
        // Below this width ticks could not be told apart in a Double, nor counted in an Int.
        if upper - lower <= magnitude * 1e-9 {
            let centre = (lower + upper) / 2, pad = magnitude > 0 ? magnitude * 0.1 : 1
            (lower, upper) = (centre - pad, centre + pad)
        }
        let rough = (upper - lower) / Double(max(1, min(50, targetCount) - 1))
        var exponent = Int(log10(rough).rounded(.down))
        let residual = ChartNumberFormat.scale(rough, by: -exponent)
        // Thresholds are the geometric midpoints between 1, 2, 5 and 10: the nearest nice step wins.
        let mantissa: Int
        switch residual {
        case ..<2.0.squareRoot(): mantissa = 1
        case ..<10.0.squareRoot(): mantissa = 2
        case ..<50.0.squareRoot(): mantissa = 5
        default: mantissa = 1; exponent += 1
        }
        let step = ChartNumberFormat.scale(Double(mantissa), by: exponent)
        // The slack absorbs quotients such as 0.6 / 0.2 = 2.9999999999999996.
        let slack = 1e-9
        let first = Int(fixed ? (lower / step - slack).rounded(.up) : (lower / step + slack).rounded(.down))
        let last = Int(fixed ? (upper / step + slack).rounded(.down) : (upper / step - slack).rounded(.up))
        let multiples = first <= last ? (first...last).map { $0 * mantissa } : []
        values = multiples.map { ChartNumberFormat.scale(Double($0), by: exponent) }
        labels = ChartNumberFormat.tickLabels(multiples, exponent: exponent, percent: style == .percent)
        self.step = step
        if fixed || values.isEmpty {
            self.range = lower...upper
        } else {
            self.range = values[0]...values[values.count - 1]
        }
    }
}
