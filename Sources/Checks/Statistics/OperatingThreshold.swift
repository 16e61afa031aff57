/// A decision threshold on the positive class's score, chosen for a target on labelled scores: an
/// image is called positive when its score is at least the threshold.
///
/// Each target takes the threshold that meets it with the most of the other rate:
/// - sensitivity s: the largest threshold whose sensitivity is ≥ s, which is always a positive's score;
/// - specificity s: the smallest threshold whose specificity is ≥ s. Specificity rises just above a
///   negative's score, so the smallest such threshold is the next `Double` above that score;
/// - Youden: the threshold, among the scores, with the largest sensitivity + specificity − 1, compared in
///   integers so that equal values tie exactly; the largest threshold wins a tie.
public struct OperatingThreshold: Sendable, Equatable {
    /// What the threshold is chosen for.
    public enum Target: Sendable, Equatable {
        /// At least this share of positives called positive, in (0, 1].
        case sensitivity(Double)
        /// At least this share of negatives called negative, in (0, 1].
        case specificity(Double)
        /// The largest sensitivity + specificity − 1.
        case youden
    }

    public let threshold: Double
    /// Positives scoring at least the threshold.
    public let truePositives: Int
    /// Negatives scoring at least the threshold.
    public let falsePositives: Int
    public let positives: Int
    public let negatives: Int

    /// TP / positives at the threshold.
    public var sensitivity: Double { Double(truePositives) / Double(positives) }
    /// TN / negatives at the threshold.
    public var specificity: Double { Double(negatives - falsePositives) / Double(negatives) }

    /// The threshold for `target`; nil unless both classes occur. Throws on NaN scores or a rate
    /// target outside (0, 1].
    public init?(target: Target, scores: [Double], labels: [Bool]) throws {
        guard let roc = try ROCCurve(scores: scores, labels: labels) else { return nil }
        let points = roc.points, n1 = roc.positives, n0 = roc.negatives
        func specificity(_ p: ROCCurve.Point) -> Double { Double(n0 - p.falsePositives) / Double(n0) }
        let chosen: (threshold: Double, point: ROCCurve.Point)
        switch target {
        case .sensitivity(let s):
            try StatisticsError.require(s > 0 && s <= 1, "a target sensitivity must lie in (0, 1], got \(s)")
            // Descending thresholds: sensitivity only grows, and the lowest score reaches 1.
            guard let point = points.first(where: { $0.truePositiveRate >= s }) else { return nil }
            chosen = (point.threshold, point)
        case .specificity(let s):
            try StatisticsError.require(s > 0 && s <= 1, "a target specificity must lie in (0, 1], got \(s)")
            // Specificity only falls along the points; at the lowest score it is 0, so a later point exists.
            guard let last = points.lastIndex(where: { specificity($0) >= s }), last + 1 < points.count else { return nil }
            chosen = (points[last + 1].threshold.nextUp, points[last])
        case .youden:
            // J·n1·n0 = TP·n0 − FP·n1; the point at +∞ calls nothing positive and is no threshold.
            var best = points[1]
            for point in points.dropFirst(2)
            where point.truePositives * n0 - point.falsePositives * n1 > best.truePositives * n0 - best.falsePositives * n1 {
                best = point
            }
            chosen = (best.threshold, best)
        }
        threshold = chosen.threshold
        (truePositives, falsePositives, positives, negatives) = (chosen.point.truePositives, chosen.point.falsePositives, n1, n0)
    }
}
