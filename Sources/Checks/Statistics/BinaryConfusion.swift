/// The four outcome counts of a two-class classifier and the rates built from them.
///
/// Every rate is nil, never NaN, when its denominator is zero (recall without positives, precision without
/// positive predictions), so an undefined metric cannot silently pass or fail a gate.
public struct BinaryConfusion: Sendable, Equatable, Codable {
    /// A ratio of counts with its parts kept, so a confidence interval can be put on it.
    public struct Proportion: Sendable, Equatable, Codable {
        /// The count of interest, e.g. true positives for recall.
        public let numerator: Int
        /// The count it is taken out of, always positive.
        public let denominator: Int

        /// numerator / denominator; nil when the denominator is zero.
        public init?(_ numerator: Int, of denominator: Int) {
            guard denominator > 0 else { return nil }
            self.numerator = numerator
            self.denominator = denominator
        }

        /// The ratio as a number.
        public var value: Double { Double(numerator) / Double(denominator) }

        /// The Wilson score interval of this proportion (which must not exceed 1).
        public func wilson(confidence: Double = 0.95) throws -> WilsonInterval? {
            try WilsonInterval(successes: numerator, trials: denominator, confidence: confidence)
        }
    }

    /// Positives predicted positive.
    public var truePositives: Int
    /// Negatives predicted positive.
    public var falsePositives: Int
    /// Negatives predicted negative.
    public var trueNegatives: Int
    /// Positives predicted negative.
    public var falseNegatives: Int

    /// Counts given directly.
    public init(truePositives: Int, falsePositives: Int, trueNegatives: Int, falseNegatives: Int) throws {
        try StatisticsError.require(min(truePositives, falsePositives, trueNegatives, falseNegatives) >= 0, "counts are never negative")
        self.truePositives = truePositives
        self.falsePositives = falsePositives
        self.trueNegatives = trueNegatives
        self.falseNegatives = falseNegatives
    }

    /// Counts of true labels against predictions, one pair per sample; every label other than `positive` is negative.
    public init<Label: Equatable>(labels: [Label], predictions: [Label], positive: Label) throws {
        try StatisticsError.requireSameCount(labels.count, predictions.count, "one prediction per label")
        var (tp, fp, tn, fn) = (0, 0, 0, 0)
        for (label, prediction) in zip(labels, predictions) {
            switch (label == positive, prediction == positive) {
            case (true, true): tp += 1
            case (false, true): fp += 1
            case (false, false): tn += 1
            case (true, false): fn += 1
            }
        }
        try self.init(truePositives: tp, falsePositives: fp, trueNegatives: tn, falseNegatives: fn)
    }

    /// Number of samples.
    public var total: Int { truePositives + falsePositives + trueNegatives + falseNegatives }
    /// Samples whose true label is positive.
    public var positives: Int { truePositives + falseNegatives }
    /// Samples whose true label is negative.
    public var negatives: Int { trueNegatives + falsePositives }

    /// (TP + TN) / all.
    public var accuracy: Proportion? { Proportion(truePositives + trueNegatives, of: total) }
    /// TP / (TP + FP): how often a positive prediction is right.
    public var precision: Proportion? { Proportion(truePositives, of: truePositives + falsePositives) }
    /// TP / (TP + FN): the share of positives found; the same as sensitivity.
    public var recall: Proportion? { Proportion(truePositives, of: positives) }
    /// TP / (TP + FN): the same as recall.
    public var sensitivity: Proportion? { recall }
    /// TN / (TN + FP): the share of negatives recognised.
    public var specificity: Proportion? { Proportion(trueNegatives, of: negatives) }
    /// FN / (TP + FN) = 1 − recall: the share of positives missed.
    public var falseNegativeRate: Proportion? { Proportion(falseNegatives, of: positives) }
    /// FP / (TN + FP) = 1 − specificity: the share of negatives flagged.
    public var falsePositiveRate: Proportion? { Proportion(falsePositives, of: negatives) }

    /// (recall + specificity) / 2; nil unless both classes occur. A mean of two proportions, so no Wilson interval.
    public var balancedAccuracy: Double? {
        guard let recall, let specificity else { return nil }
        return (recall.value + specificity.value) / 2
    }

    /// 2TP / (2TP + FP + FN), the harmonic mean of precision and recall.
    ///
    /// The counts are kept, but this is not a binomial proportion: do not put a Wilson interval on it. Nil only
    /// without any positive label or prediction; with positives present but none found it is 0.
    public var f1: Proportion? {
        Proportion(2 * truePositives, of: 2 * truePositives + falsePositives + falseNegatives)
    }
}
