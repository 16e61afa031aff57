/// One line of a run's `log.jsonl`: a training step, an evaluation, or both.
public struct TrainingLogEntry: Codable, Sendable, Equatable {
    /// The 1-based number of steps done when this was recorded.
    public var step: Int
    public var loss: Double?
    public var learningRate: Double?
    public var imagesPerSecond: Double?
    public var validationLoss: Double?
    public var validationAccuracy: Double?

    /// An entry; absent values are left out of the JSON.
    public init(step: Int, loss: Double? = nil, learningRate: Double? = nil, imagesPerSecond: Double? = nil,
                validationLoss: Double? = nil, validationAccuracy: Double? = nil) {
        (self.step, self.loss, self.learningRate, self.imagesPerSecond) = (step, loss, learningRate, imagesPerSecond)
        (self.validationLoss, self.validationAccuracy) = (validationLoss, validationAccuracy)
    }
}
