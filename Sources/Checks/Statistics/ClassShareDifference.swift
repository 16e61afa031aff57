/// Whether two samples of class labels (e.g. predicted classes on two image sets) share one distribution over the
/// classes: the largest difference in a class's share between them, with a seeded permutation p-value.
///
/// The statistic is its own effect size, max꜀ |n₁꜀/n₁ − n₂꜀/n₂|; the p-value is the share of random reassignments
/// of the pooled labels to two groups of the original sizes whose largest difference reaches the observed one (see
/// `PermutationSampler`). Unlike a chi-square test it needs no minimum expected count per cell, so a class that
/// one set never shows is no problem.
public struct ClassShareDifference: Sendable, Equatable {
    /// Each class's share of the first sample.
    public let firstShares: [Double]
    /// Each class's share of the second sample.
    public let secondShares: [Double]
    /// max over classes of |first share − second share|, in [0, 1].
    public let largest: Double
    /// The class with the largest difference (the first such).
    public let largestClass: Int
    /// (1 + #{permuted largest ≥ observed}) / (1 + permutations).
    public let pValue: Double
    /// Number of random reassignments behind `pValue`.
    public let permutations: Int
    /// Seed of the reassignments.
    public let seed: UInt64

    /// The test of `first` against `second`, labels in 0..<classes. Throws if either is empty, a label is out of
    /// range, or with fewer than one permutation.
    /// With `groups`, permutations move whole clusters (see `PermutationGroups`).
    public init(_ first: [Int], _ second: [Int], classes: Int, permutations: Int = 1000, seed: UInt64,
                groups: PermutationGroups? = nil) throws {
        try StatisticsError.require(!first.isEmpty && !second.isEmpty,
                                    "both samples need a label, got \(first.count) and \(second.count)")
        let outside = (first + second).count { !(0..<classes).contains($0) }
        try StatisticsError.require(outside == 0, "\(outside) labels lie outside 0..<\(classes)")
        try PermutationSampler.requirePermutations(permutations)
        try groups?.require(firstCount: first.count, secondCount: second.count)
        let pooled = first + second
        let totals = Self.counts(pooled, classes: classes)
        func largestGap(_ inFirst: [Bool]) -> (Double, Int) {
            var inside = [Int](repeating: 0, count: classes)
            for (label, isFirst) in zip(pooled, inFirst) where isFirst { inside[label] += 1 }
            // Moving whole clusters changes the sides' sizes; a side left empty shows no difference.
            let m = Double(inside.reduce(0, +)), n = Double(pooled.count) - m
            guard m > 0, n > 0 else { return (0, 0) }
            var best = (0.0, 0)
            for c in 0..<classes {
                let gap = abs(Double(inside[c]) / m - Double(totals[c] - inside[c]) / n)
                if gap > best.0 { best = (gap, c) }
            }
            return best
        }
        var sampler = PermutationSampler(firstCount: first.count, secondCount: second.count, seed: seed, groups: groups)
        let observed = largestGap(sampler.inFirst)
        let permuted = (0..<permutations).map { _ in largestGap(sampler.next()).0 }
        firstShares = Self.counts(first, classes: classes).map { Double($0) / Double(first.count) }
        secondShares = Self.counts(second, classes: classes).map { Double($0) / Double(second.count) }
        (largest, largestClass) = observed
        pValue = PermutationSampler.pValue(observed: observed.0, permuted: permuted)
        self.permutations = permutations
        self.seed = seed
    }

    private static func counts(_ labels: [Int], classes: Int) -> [Int] {
        var counts = [Int](repeating: 0, count: classes)
        for label in labels { counts[label] += 1 }
        return counts
    }
}
