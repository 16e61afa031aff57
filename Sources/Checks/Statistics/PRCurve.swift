/// The precision–recall curve of scores for the positive class against binary labels, and its average precision.
///
/// Average precision is scikit-learn's `average_precision_score`: AP = Σₙ (Rₙ − Rₙ₋₁) Pₙ over the distinct
/// thresholds in descending order, with R₀ = 0. This step sum is not the trapezoidal area under the curve, which
/// interpolates precision linearly between points and so overstates it. Tied scores form one operating point.
public struct PRCurve: Sendable, Equatable {
    /// One operating point.
    public struct Point: Sendable, Equatable {
        /// Scores ≥ this are called positive.
        public let threshold: Double
        /// Positives scoring at least the threshold.
        public let truePositives: Int
        /// Negatives scoring at least the threshold.
        public let falsePositives: Int
        /// TP / positives.
        public let recall: Double
        /// TP / (TP + FP).
        public let precision: Double
    }

    /// One point per distinct score, thresholds descending (recall rising), without an added (0, 1) start point.
    public let points: [Point]
    /// Number of positive samples.
    public let positives: Int
    /// Σₙ (Rₙ − Rₙ₋₁) Pₙ with R₀ = 0.
    public let averagePrecision: Double

    /// The curve; nil without positive samples (recall and AP are then undefined). Throws on NaN scores.
    public init?(scores: [Double], labels: [Bool]) throws {
        let steps = try ROCCurve.cumulativeCounts(scores: scores, labels: labels)
        guard let positives = steps.last?.truePositives, positives > 0 else { return nil }
        var points: [Point] = []
        var averagePrecision = 0.0
        var previousTP = 0
        for step in steps {
            // Every threshold admits at least one sample, so precision's denominator is never zero.
            let precision = Double(step.truePositives) / Double(step.truePositives + step.falsePositives)
            averagePrecision += Double(step.truePositives - previousTP) / Double(positives) * precision
            previousTP = step.truePositives
            points.append(Point(threshold: step.threshold, truePositives: step.truePositives,
                                falsePositives: step.falsePositives,
                                recall: Double(step.truePositives) / Double(positives), precision: precision))
        }
        self.points = points
        self.positives = positives
        self.averagePrecision = averagePrecision
    }
}
