import Randomness

extension Bootstrap {
    /// The percentile interval of a statistic of samples that come in groups (a patient's cells),
    /// resampling whole groups: each replicate draws as many groups as there are, with
    /// replacement, and keeps every sample of a drawn group.
    ///
    /// Samples of one group are correlated, so treating them as independent draws makes an
    /// interval too narrow; resampling groups carries the between-group variation into it
    /// (Davison & Hinkley, Bootstrap Methods, 1997, §3.8). `groupOf` gives each sample's group;
    /// `statistic` gets the indices of a replicate's samples (repeated as drawn) and may return
    /// nil where it is undefined (a class absent), which drops that replicate. Nil when the
    /// statistic is undefined on the original samples or on every replicate.
    public static func clusterPercentileInterval<Group: Hashable>(
        groupOf: [Group], replicates: Int = 2000, confidence: Double = 0.95, seed: UInt64,
        statistic: (_ indices: [Int]) throws -> Double?
    ) throws -> Interval? {
        try StatisticsError.require(replicates > 0, "need at least one replicate, got \(replicates)")
        try StatisticsError.requireConfidence(confidence)
        let all = Array(groupOf.indices)
        guard !all.isEmpty, let estimate = try statistic(all) else { return nil }
        // Groups in order of first appearance, so the draws do not depend on hashing.
        var position: [Group: Int] = [:]
        var members: [[Int]] = []
        for (i, group) in groupOf.enumerated() {
            if let g = position[group] {
                members[g].append(i)
            } else {
                position[group] = members.count
                members.append([i])
            }
        }
        var generator = SeededRandom(seed: seed)
        var values: [Double] = []
        values.reserveCapacity(replicates)
        var indices: [Int] = []
        for _ in 0..<replicates {
            indices.removeAll(keepingCapacity: true)
            for _ in members.indices { indices += members[generator.next(below: members.count)] }
            if let value = try statistic(indices) { values.append(value) }
        }
        guard !values.isEmpty else { return nil }
        values.sort()
        let alpha = 1 - confidence
        // Drawing G of G groups gives (G − 1)/G of the variance, and with few groups the spread is
        // itself uncertain: widen about the estimate by √(G/(G − 1)) · t(G − 1)/z, as a
        // cluster-robust interval with G − 1 degrees of freedom would be wider than a normal one.
        let g = Double(members.count)
        let widen = g > 1 ? (g / (g - 1)).squareRoot() * StudentT.quantile(1 - alpha / 2, degreesOfFreedom: g - 1)
            / NormalDistribution.quantile(1 - alpha / 2) : 1
        let (low, high) = (percentile(values, alpha / 2), percentile(values, 1 - alpha / 2))
        return Interval(estimate: estimate, lower: estimate - widen * (estimate - low), upper: estimate + widen * (high - estimate),
                        confidence: confidence, replicates: values.count)
    }
}
