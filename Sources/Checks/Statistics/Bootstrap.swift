import Randomness

/// Seeded percentile bootstrap for a statistic of (score, label) samples, resampling within each class.
///
/// Each replicate draws n₁ positives from the positives and n₀ negatives from the negatives with replacement, so
/// both classes always occur in the class proportions of the data and AUC-like statistics are always defined.
/// Replicates come from the shared SplitMix64 generator (`SeededRandom`, its own small module, not the
/// engine), with its own bounded draw; a seed therefore gives the same interval on every platform and Swift version.
public enum Bootstrap {
    /// A percentile interval and what it was computed from.
    public struct Interval: Sendable, Equatable {
        /// The statistic on the original samples.
        public let estimate: Double
        /// Percentiles α/2 and 1 − α/2 of the replicates, α = 1 − confidence, linearly interpolated between order
        /// statistics (NumPy's default, Hyndman & Fan type 7).
        public let lower: Double
        /// The 1 − α/2 percentile.
        public let upper: Double
        /// Two-sided confidence level, 1 − α.
        public let confidence: Double
        /// Replicates the statistic was defined on; the rest were dropped, which biases the interval if many were.
        public let replicates: Int
    }

    /// The percentile interval of `statistic`; nil when it is undefined on the original samples or on every
    /// replicate, or when a class is missing. The statistic gets scores and labels in matching order.
    public static func percentileInterval(
        scores: [Double], labels: [Bool], replicates: Int = 2000, confidence: Double = 0.95, seed: UInt64,
        statistic: (_ scores: [Double], _ labels: [Bool]) throws -> Double?
    ) throws -> Interval? {
        try StatisticsError.requireSameCount(scores.count, labels.count, "one label per score")
        try StatisticsError.require(replicates > 0, "need at least one replicate, got \(replicates)")
        try StatisticsError.requireConfidence(confidence)
        let positives = zip(scores, labels).filter { $0.1 }.map { $0.0 }
        let negatives = zip(scores, labels).filter { !$0.1 }.map { $0.0 }
        guard !positives.isEmpty, !negatives.isEmpty, let estimate = try statistic(scores, labels) else { return nil }
        // Positives first, then negatives: the labels are the same for every replicate.
        let resampledLabels = [Bool](repeating: true, count: positives.count)
            + [Bool](repeating: false, count: negatives.count)
        var generator = SeededRandom(seed: seed)
        var resampled = [Double](repeating: 0, count: scores.count)
        var values: [Double] = []
        values.reserveCapacity(replicates)
        for _ in 0..<replicates {
            for i in positives.indices {
                resampled[i] = positives[generator.next(below: positives.count)]
            }
            for i in negatives.indices {
                resampled[positives.count + i] = negatives[generator.next(below: negatives.count)]
            }
            if let value = try statistic(resampled, resampledLabels) { values.append(value) }
        }
        guard !values.isEmpty else { return nil }
        values.sort()
        let alpha = 1 - confidence
        return Interval(estimate: estimate, lower: percentile(values, alpha / 2),
                        upper: percentile(values, 1 - alpha / 2), confidence: confidence, replicates: values.count)
    }

    /// The q-quantile of sorted values by linear interpolation at position q·(count − 1).
    static func percentile(_ sorted: [Double], _ q: Double) -> Double {
        let position = q * Double(sorted.count - 1)
        let below = Int(position.rounded(.down))
        let above = min(below + 1, sorted.count - 1)
        let fraction = position - Double(below)
        return sorted[below] + fraction * (sorted[above] - sorted[below])
    }
}
