/// Stops training when the validation loss has not improved for `patience` evaluations.
public struct EarlyStopping: Codable, Sendable, Equatable {
    /// Evaluations allowed without improvement; nil never stops.
    public let patience: Int?
    /// Lowest validation loss so far and the step after which it was measured.
    public private(set) var bestLoss: Double?
    public private(set) var bestStep: Int?
    /// Evaluations since the best one.
    public private(set) var evaluationsSinceBest = 0

    /// A tracker with no evaluations yet.
    public init(patience: Int?) { self.patience = patience }

    /// Records an evaluation; true when this one is the new best.
    public mutating func record(loss: Double, step: Int) -> Bool {
        if let best = bestLoss, !(loss < best) {
            evaluationsSinceBest += 1
            return false
        }
        (bestLoss, bestStep, evaluationsSinceBest) = (loss, step, 0)
        return true
    }

    /// True once patience has run out.
    public var shouldStop: Bool { patience.map { evaluationsSinceBest >= $0 } ?? false }
}
