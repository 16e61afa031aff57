import Randomness

/// Random reassignments of a pooled sample to two groups of the original sizes: the null distribution of a
/// two-sample permutation test.
///
/// The pooled sample is the first sample followed by the second. Each call to `next` applies one Fisher–Yates
/// shuffle (i from the last index down to 1, j = SplitMix64 below i + 1) to the previous assignment, starting
/// from the observed one, so the whole sequence is a pure function of the seed and the two sizes.
///
/// With `groups`, whole clusters (patients) move instead: the shuffle reassigns the clusters, and each value goes
/// where its cluster goes, so the sides' sizes vary from one assignment to the next.
struct PermutationSampler {
    /// For each pooled index, whether the current assignment puts it in the first group.
    private(set) var inFirst: [Bool]
    /// For each cluster, whether the current assignment puts it on the first side; one per value without groups.
    private var clusterInFirst: [Bool]
    private let groups: PermutationGroups?
    private var generator: SeededRandom

    init(firstCount: Int, secondCount: Int, seed: UInt64, groups: PermutationGroups? = nil) {
        inFirst = [Bool](repeating: true, count: firstCount) + [Bool](repeating: false, count: secondCount)
        clusterInFirst = groups.map { [Bool](repeating: true, count: $0.firstClusters) + [Bool](repeating: false, count: $0.secondClusters) }
            ?? inFirst
        self.groups = groups
        generator = SeededRandom(seed: seed)
    }

    /// Shuffles to the next assignment and returns it.
    mutating func next() -> [Bool] {
        var i = clusterInFirst.count - 1
        while i > 0 {
            clusterInFirst.swapAt(i, generator.next(below: i + 1))
            i -= 1
        }
        if let groups { inFirst = groups.clusterOf.map { clusterInFirst[$0] } } else { inFirst = clusterInFirst }
        return inFirst
    }

    /// (1 + #{permuted ≥ observed}) / (1 + permutations): never 0, and exact in level for any number of
    /// permutations (Phipson & Smyth, Stat. Appl. Genet. Mol. Biol. 9, 2010).
    ///
    /// A permuted value within 1e-12 (relative) of the observed one counts as reaching it: summing the same
    /// numbers in another order must not decide a tie.
    static func pValue(observed: Double, permuted: [Double]) -> Double {
        let threshold = observed - 1e-12 * abs(observed)
        let reaching = permuted.count { $0 >= threshold }
        return Double(1 + reaching) / Double(1 + permuted.count)
    }

    /// Throws unless `permutations` is at least 1.
    static func requirePermutations(_ permutations: Int) throws {
        try StatisticsError.require(permutations >= 1, "need at least one permutation, got \(permutations)")
    }
}

/// The clusters (e.g. patients) of two pooled samples, for permutation tests that must move whole clusters: values
/// of one cluster are not independent (one patient's cells share a slide and a stain), so reassigning them one by
/// one would call any difference between two sets of clusters significant.
public struct PermutationGroups: Sendable, Equatable {
    /// For each pooled value (first sample, then second), its cluster: 0..<firstClusters on the first side, then
    /// the second side's.
    let clusterOf: [Int]
    let firstClusters: Int
    let secondClusters: Int

    /// The clusters named by `first` and `second`, one name per value; a name on both sides is two clusters, since
    /// the sides are different data.
    public init(first: [String], second: [String]) {
        func numbered(_ names: [String], from start: Int) -> (indices: [Int], count: Int) {
            var number: [String: Int] = [:]
            let indices = names.map { name in
                if let n = number[name] { return n }
                number[name] = start + number.count
                return start + number.count - 1
            }
            return (indices, number.count)
        }
        let a = numbered(first, from: 0), b = numbered(second, from: a.count)
        (clusterOf, firstClusters, secondClusters) = (a.indices + b.indices, a.count, b.count)
    }

    /// Throws unless there is one cluster per value of samples of these sizes.
    func require(firstCount: Int, secondCount: Int) throws {
        try StatisticsError.require(clusterOf.count == firstCount + secondCount,
                                    "groups name \(clusterOf.count) values, the samples hold \(firstCount + secondCount)")
    }
}
