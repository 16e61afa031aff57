/// A calibration temperature T (probabilities are softmax(logits / T)) chosen once and carried to
/// data that has no validation split of its own to fit one on (an evaluation set).
public struct CalibrationTemperature: Sendable, Equatable {
    /// T, finite and positive.
    public let value: Double
    /// Where it came from, in words ("stored in the model", "fitted on the validation split").
    public let setBy: String

    /// A temperature and where it came from.
    public init(_ value: Double, setBy: String) { (self.value, self.setBy) = (value, setBy) }
}
