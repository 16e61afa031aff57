/// DeLong's nonparametric variance of an AUC, and the paired test of two AUCs measured on the same samples.
///
/// DeLong, DeLong & Clarke-Pearson (Biometrics 44, 1988), computed with the midrank algorithm of Sun & Xu
/// (IEEE Signal Processing Letters 21, 2014) in O(n log n). Ties between a positive and a negative count 1/2.
/// Both classes need at least two samples, since the variance uses the sample variance within each class.
public enum DeLong {
    /// One AUC with its DeLong variance and a confidence interval.
    ///
    /// The interval is the plain normal one, auc ± z·√variance clipped to [0, 1], not a logit-transformed one. It
    /// collapses to the point 1 at perfect separation (the variance is then zero), so a gate on its lower end
    /// passes a perfect sample of any size: pair such a gate with a minimum sample count.
    public struct Estimate: Sendable, Equatable {
        /// The Mann–Whitney AUC, ties counting 1/2.
        public let auc: Double
        /// DeLong's variance estimate S₁₀/m + S₀₁/n.
        public let variance: Double
        /// Two-sided confidence level of `lower` and `upper`.
        public let confidence: Double
        /// auc − z·√variance, at least 0.
        public let lower: Double
        /// auc + z·√variance, at most 1.
        public let upper: Double
        /// Number of positive samples, m.
        public let positives: Int
        /// Number of negative samples, n.
        public let negatives: Int

        /// √variance.
        public var standardError: Double { variance.squareRoot() }
    }

    /// Two correlated AUCs on the same samples and the test of their difference.
    public struct Comparison: Sendable, Equatable {
        /// AUC of the first classifier's scores.
        public let aucA: Double
        /// AUC of the second classifier's scores.
        public let aucB: Double
        /// Variance of aucA − aucB, including twice their covariance.
        public let variance: Double
        /// (aucA − aucB) / √variance; 0 when both are zero, ±∞ when only the variance is.
        public let z: Double
        /// Two-sided p-value of H₀: equal AUCs, from the normal approximation.
        public let pValue: Double

        /// aucA − aucB.
        public var difference: Double { aucA - aucB }
    }

    /// The AUC of scores for the positive class, its variance and a two-sided interval; nil with fewer than two
    /// samples of either class. Throws on NaN scores.
    public static func estimate(scores: [Double], labels: [Bool], confidence: Double = 0.95) throws -> Estimate? {
        try StatisticsError.requireConfidence(confidence)
        guard let components = try structuralComponents(scores: scores, labels: labels) else { return nil }
        let variance = covariance(components.positives, components.positives) / Double(components.positives.count)
            + covariance(components.negatives, components.negatives) / Double(components.negatives.count)
        let halfWidth = NormalDistribution.twoSidedCriticalValue(confidence: confidence) * variance.squareRoot()
        return Estimate(auc: components.auc, variance: variance, confidence: confidence,
                        lower: max(0, components.auc - halfWidth), upper: min(1, components.auc + halfWidth),
                        positives: components.positives.count, negatives: components.negatives.count)
    }

    /// DeLong's test of H₀: AUC(A) = AUC(B), with both score lists for the same samples in the same order; nil with
    /// fewer than two samples of either class. Throws on NaN scores.
    public static func compare(scoresA: [Double], scoresB: [Double], labels: [Bool]) throws -> Comparison? {
        try StatisticsError.requireSameCount(scoresA.count, scoresB.count, "both classifiers must score the same samples")
        guard let a = try structuralComponents(scores: scoresA, labels: labels),
              let b = try structuralComponents(scores: scoresB, labels: labels) else { return nil }
        let m = Double(a.positives.count)
        let n = Double(a.negatives.count)
        let variance = (covariance(a.positives, a.positives) + covariance(b.positives, b.positives)
            - 2 * covariance(a.positives, b.positives)) / m
            + (covariance(a.negatives, a.negatives) + covariance(b.negatives, b.negatives)
            - 2 * covariance(a.negatives, b.negatives)) / n
        let difference = a.auc - b.auc
        // Rounding can leave a tiny negative variance when A and B are the same ranking.
        let z: Double
        if variance > 0 {
            z = difference / variance.squareRoot()
        } else {
            z = difference == 0 ? 0 : (difference > 0 ? .infinity : -.infinity)
        }
        return Comparison(aucA: a.auc, aucB: b.auc, variance: max(0, variance), z: z,
                          pValue: NormalDistribution.twoSidedPValue(z))
    }

    /// The placement values: for each positive the share of negatives it outranks (V₁₀), for each negative the
    /// share of positives that outrank it (V₀₁), ties counting 1/2; their means are both the AUC.
    private static func structuralComponents(scores: [Double], labels: [Bool])
        throws -> (auc: Double, positives: [Double], negatives: [Double])? {
        try StatisticsError.requireSameCount(scores.count, labels.count, "one label per score")
        try StatisticsError.requireNoNaN(scores)
        let x = zip(scores, labels).filter { $0.1 }.map { $0.0 }
        let y = zip(scores, labels).filter { !$0.1 }.map { $0.0 }
        guard x.count >= 2, y.count >= 2 else { return nil }
        let m = Double(x.count)
        let n = Double(y.count)
        let combined = midranks(x + y)
        let withinX = midranks(x)
        let withinY = midranks(y)
        // A positive's rank among all minus its rank among positives counts the negatives below it.
        let v10 = x.indices.map { (combined[$0] - withinX[$0]) / n }
        let v01 = y.indices.map { 1 - (combined[x.count + $0] - withinY[$0]) / m }
        let rankSum = combined[..<x.count].reduce(0, +)
        return ((rankSum - m * (m + 1) / 2) / (m * n), v10, v01)
    }

    /// 1-based ranks with each group of equal values given the mean of its ranks.
    private static func midranks(_ values: [Double]) -> [Double] {
        let order = values.indices.sorted { values[$0] < values[$1] }
        var ranks = [Double](repeating: 0, count: values.count)
        var start = 0
        while start < order.count {
            var end = start + 1
            while end < order.count && values[order[end]] == values[order[start]] { end += 1 }
            let midrank = Double(start + end + 1) / 2
            for position in start..<end { ranks[order[position]] = midrank }
            start = end
        }
        return ranks
    }

    /// Sample covariance (divisor count − 1) of two equally long lists.
    private static func covariance(_ u: [Double], _ v: [Double]) -> Double {
        let meanU = u.reduce(0, +) / Double(u.count)
        let meanV = v.reduce(0, +) / Double(v.count)
        return zip(u, v).reduce(0) { $0 + ($1.0 - meanU) * ($1.1 - meanV) } / Double(u.count - 1)
    }
}
