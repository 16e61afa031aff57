/// One calibration check's reliability diagram on the test split, before and (when fitted) after temperature scaling.
public struct ReliabilityFigure: Sendable {
    /// One equal-mass bin: the confidences it spans, their mean, the share right, and how many it holds.
    public typealias Bin = (lower: Double, upper: Double, confidence: Double, accuracy: Double, count: Int)

    /// The check's id, which the figure is shown under.
    public var checkID: String
    /// At the model's own temperature.
    public var bins: [Bin]
    /// The fitted temperature and the bins at it; nil when none was fitted.
    public var scaled: (temperature: Double, bins: [Bin])?

    /// A figure of `bins`, and of `scaled` when a temperature was fitted.
    public init(checkID: String, bins: [Bin], scaled: (temperature: Double, bins: [Bin])? = nil) {
        (self.checkID, self.bins, self.scaled) = (checkID, bins, scaled)
    }
}
