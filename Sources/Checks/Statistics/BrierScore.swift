/// The Brier score of class probabilities (Brier 1950): half the mean over samples of Σₖ (pₖ − yₖ)², y the one-hot
/// true class.
///
/// Halved so it lies in [0, 1] for any number of classes, like every gateable metric; with two classes it is exactly
/// the binary score, the mean of (p_positive − y)², whichever class is positive. 0 is perfect; a model that always
/// says 1/2 on two classes scores 0.25. Unlike the ECE it needs no bins: it rewards confidence that is right and
/// punishes confidence that is wrong, sample by sample.
public struct BrierScore: Sendable, Equatable {
    /// The score, in [0, 1].
    public let value: Double

    /// The score of probability rows (each in [0, 1], one entry per class) against true classes; nil without samples.
    public init?(probabilities: [[Double]], labels: [Int]) throws {
        try StatisticsError.requireSameCount(probabilities.count, labels.count, "one label per probability row")
        guard let classes = probabilities.first?.count else { return nil }
        try StatisticsError.require(classes > 0, "a probability row needs at least one class")
        try StatisticsError.require(probabilities.allSatisfy { $0.count == classes },
                                    "every probability row needs the same \(classes) classes")
        try StatisticsError.require(probabilities.allSatisfy { $0.allSatisfy { $0 >= 0 && $0 <= 1 } }, "probabilities must lie in [0, 1]")
        try StatisticsError.require(labels.allSatisfy { (0..<classes).contains($0) }, "labels must lie in 0..<\(classes)")
        var sum = 0.0
        for (row, label) in zip(probabilities, labels) {
            for (k, p) in row.enumerated() {
                let miss = p - (k == label ? 1 : 0)
                sum += miss * miss
            }
        }
        value = sum / Double(2 * labels.count)
    }

    /// The binary score of positive-class probabilities in [0, 1]: the mean of (score − y)²; nil without samples.
    public init?(scores: [Double], labels: [Bool]) throws {
        try StatisticsError.requireSameCount(scores.count, labels.count, "one label per score")
        try StatisticsError.require(scores.allSatisfy { $0 >= 0 && $0 <= 1 }, "scores must lie in [0, 1]")
        guard !scores.isEmpty else { return nil }
        value = zip(scores, labels).reduce(0.0) { sum, pair in
            let miss = pair.0 - (pair.1 ? 1 : 0)
            return sum + miss * miss
        } / Double(scores.count)
    }
}
