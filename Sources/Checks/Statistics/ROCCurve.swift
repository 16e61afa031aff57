/// The receiver operating characteristic of scores for the positive class against binary labels, and its area.
///
/// A sample counts as predicted positive when its score is ≥ the threshold. Tied scores move together, so each
/// distinct score gives one point and a tie between classes contributes a diagonal segment: the area is exactly
/// the Mann–Whitney U / (n₁·n₀) with ties counted 1/2, i.e. P(score⁺ > score⁻) + ½ P(score⁺ = score⁻).
public struct ROCCurve: Sendable, Equatable {
    /// One operating point.
    public struct Point: Sendable, Equatable {
        /// Scores ≥ this are called positive; +∞ for the first point, where nothing is.
        public let threshold: Double
        /// Positives scoring at least the threshold.
        public let truePositives: Int
        /// Negatives scoring at least the threshold.
        public let falsePositives: Int
        /// Recall, TP / positives.
        public let truePositiveRate: Double
        /// FP / negatives.
        public let falsePositiveRate: Double
    }

    /// From (0, 0) at threshold +∞ to (1, 1) at the lowest score, one point per distinct score, thresholds descending.
    public let points: [Point]
    /// Number of positive samples, n₁.
    public let positives: Int
    /// Number of negative samples, n₀.
    public let negatives: Int
    /// Area under the curve by the trapezoidal rule, which equals U / (n₁·n₀) exactly.
    public let auc: Double

    /// The curve; nil unless both classes occur. Throws on NaN scores.
    public init?(scores: [Double], labels: [Bool]) throws {
        let steps = try Self.cumulativeCounts(scores: scores, labels: labels)
        guard let last = steps.last, last.truePositives > 0, last.falsePositives > 0 else { return nil }
        let (n1, n0) = (last.truePositives, last.falsePositives)
        var points = [Point(threshold: .infinity, truePositives: 0, falsePositives: 0, truePositiveRate: 0,
                            falsePositiveRate: 0)]
        // Twice the area in units of one positive × one negative, in integers, so ties are counted exactly.
        var doubledArea = 0
        var (previousTP, previousFP) = (0, 0)
        for step in steps {
            doubledArea += (step.falsePositives - previousFP) * (step.truePositives + previousTP)
            (previousTP, previousFP) = (step.truePositives, step.falsePositives)
            points.append(Point(threshold: step.threshold, truePositives: step.truePositives,
                                falsePositives: step.falsePositives,
                                truePositiveRate: Double(step.truePositives) / Double(n1),
                                falsePositiveRate: Double(step.falsePositives) / Double(n0)))
        }
        self.points = points
        positives = n1
        negatives = n0
        auc = Double(doubledArea) / (2 * Double(n1) * Double(n0))
    }

    /// For each distinct score, highest first, the positives and negatives scoring at least that much.
    static func cumulativeCounts(scores: [Double], labels: [Bool])
        throws -> [(threshold: Double, truePositives: Int, falsePositives: Int)] {
        try StatisticsError.requireSameCount(scores.count, labels.count, "one label per score")
        try StatisticsError.requireNoNaN(scores)
        let order = scores.indices.sorted { scores[$0] > scores[$1] }
        var steps: [(threshold: Double, truePositives: Int, falsePositives: Int)] = []
        var (tp, fp) = (0, 0)
        for (position, index) in order.enumerated() {
            if labels[index] { tp += 1 } else { fp += 1 }
            if position == order.count - 1 || scores[order[position + 1]] != scores[index] {
                steps.append((scores[index], tp, fp))
            }
        }
        return steps
    }
}
