import Collectives

/// The positions of every training batch that one rank of a data-parallel job takes. MixUp mixes
/// position i with its partner n−1−i, so a rank takes whole pairs: pairs lo..<hi (and the middle
/// image of an odd batch on the last rank), ordered so that its own batch pairs the same way (local
/// j with local m−1−j), and MixUp runs unchanged on it. Each image keeps the random crop, flips
/// and augmentation of its global position, so N ranks see exactly the images one process would.
public struct BatchShare: Sendable, Equatable {
    public let rank: Int
    public let ranks: Int

    /// All of every batch: one process.
    public static let whole = BatchShare(rank: 0, ranks: 1)

    /// Rank `rank`'s share of `ranks`.
    public init(rank: Int, ranks: Int) { (self.rank, self.ranks) = (rank, ranks) }

    /// This rank's positions in a batch of `n`.
    public func positions(batchSize n: Int) -> [Int] {
        guard ranks > 1 else { return Array(0..<n) }
        let pairs = SingleProcess.share(of: n / 2, rank: rank, size: ranks)
        let middle = n % 2 == 1 && rank == ranks - 1 ? [n / 2] : []
        return Array(pairs) + middle + Array((n - pairs.upperBound)..<(n - pairs.lowerBound))
    }
}
