import Randomness

/// Random reassignments of a pooled sample to two groups of the original sizes: the null distribution of a
/// two-sample permutation test.
///
/// The pooled sample is the first sample followed by the second. Each call to `next` applies one Fisher–Yates
/// shuffle (i from the last index down to 1, j = SplitMix64 below i + 1) to the previous assignment, starting
/// from the observed one, so the whole sequence is a pure function of the seed and the two sizes.
struct PermutationSampler {
    /// For each pooled index, whether the current assignment puts it in the first group.
    private(set) var inFirst: [Bool]
    private var generator: SeededRandom

    init(firstCount: Int, secondCount: Int, seed: UInt64) {
        inFirst = [Bool](repeating: true, count: firstCount) + [Bool](repeating: false, count: secondCount)
        generator = SeededRandom(seed: seed)
    }

    /// Shuffles to the next assignment and returns it.
    mutating func next() -> [Bool] {
        var i = inFirst.count - 1
        while i > 0 {
            inFirst.swapAt(i, generator.next(below: i + 1))
            i -= 1
        }
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
