/// The first-order Wasserstein (earth mover's) distance between two samples of one variable, ∫|F₁(x) − F₂(x)|dx,
/// with a seeded permutation p-value.
///
/// The distance is in the variable's own units (how far, on average, values must move to turn one sample into the
/// other), so it is the effect size; `scipy.stats.wasserstein_distance` computes the same number. The p-value is
/// the share of random reassignments of the pooled values to two groups of the original sizes whose distance
/// reaches the observed one (see `PermutationSampler`).
public struct Wasserstein: Sendable, Equatable {
    /// ∫|F₁ − F₂|dx, at least 0.
    public let distance: Double
    /// (1 + #{permuted distance ≥ observed}) / (1 + permutations).
    public let pValue: Double
    /// Number of random reassignments behind `pValue`.
    public let permutations: Int
    /// Seed of the reassignments; the same seed and samples give the same p-value everywhere.
    public let seed: UInt64
    /// Size of the first sample.
    public let firstCount: Int
    /// Size of the second sample.
    public let secondCount: Int

    /// The distance between `first` and `second` and its permutation p-value. Throws if either sample is empty or
    /// holds a NaN or infinite value, or with fewer than one permutation.
    /// With `groups`, permutations move whole clusters (see `PermutationGroups`).
    public init(_ first: [Double], _ second: [Double], permutations: Int = 1000, seed: UInt64, groups: PermutationGroups? = nil) throws {
        try StatisticsError.requireFiniteSample(first, "first")
        try StatisticsError.requireFiniteSample(second, "second")
        try PermutationSampler.requirePermutations(permutations)
        try groups?.require(firstCount: first.count, secondCount: second.count)
        // Sorting the pooled values once makes every reassignment a linear walk over the same order.
        let pooled = first + second
        let order = pooled.indices.sorted { pooled[$0] < pooled[$1] }
        let sortedValues = order.map { pooled[$0] }
        func distance(_ inFirst: [Bool]) -> Double {
            Self.distance(sortedValues: sortedValues, inFirst: order.map { inFirst[$0] })
        }
        var sampler = PermutationSampler(firstCount: first.count, secondCount: second.count, seed: seed, groups: groups)
        let observed = distance(sampler.inFirst)
        var permuted: [Double] = []
        permuted.reserveCapacity(permutations)
        for _ in 0..<permutations { permuted.append(distance(sampler.next())) }
        self.distance = observed
        pValue = PermutationSampler.pValue(observed: observed, permuted: permuted)
        self.permutations = permutations
        self.seed = seed
        firstCount = first.count
        secondCount = second.count
    }

    /// ∫|F₁ − F₂|dx over pooled values in ascending order, each marked with the group it belongs to: the two
    /// distribution functions are step functions that change only at these values.
    private static func distance(sortedValues: [Double], inFirst: [Bool]) -> Double {
        // Moving whole clusters changes the sides' sizes; a side left empty shows no difference.
        let firstCount = inFirst.count { $0 }, secondCount = inFirst.count - firstCount
        guard firstCount > 0, secondCount > 0 else { return 0 }
        var belowFirst = 0
        var belowSecond = 0
        var total = 0.0
        for k in 0..<(sortedValues.count - 1) {
            if inFirst[k] { belowFirst += 1 } else { belowSecond += 1 }
            let gap = Double(belowFirst) / Double(firstCount) - Double(belowSecond) / Double(secondCount)
            total += abs(gap) * (sortedValues[k + 1] - sortedValues[k])
        }
        return total
    }
}
