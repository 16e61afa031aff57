import BiT
import Testing
@testable import Datasets

@Suite struct BatchShareTests {
    /// Ranks take every position once, whole MixUp pairs (i with n−1−i), ordered so that their
    /// own batch pairs as a reversed batch does.
    @Test(arguments: [(8, 2), (9, 2), (16, 3), (7, 3), (64, 4), (5, 2)])
    func ranksTakeWholePairsOnce(batch n: Int, ranks: Int) {
        var taken: [Int] = []
        for rank in 0..<ranks {
            let p = BatchShare(rank: rank, ranks: ranks).positions(batchSize: n)
            for (j, position) in p.enumerated() { #expect(p[p.count - 1 - j] == n - 1 - position, "rank \(rank) of \(ranks), batch \(n)") }
            taken += p
        }
        #expect(taken.sorted() == Array(0..<n))
        #expect(BatchShare.whole.positions(batchSize: n) == Array(0..<n))
    }

    /// A rank's images are the whole batch's images at its positions, bit for bit, augmentation included.
    @Test func aRanksBatchIsItsPositionsOfTheWholeBatch() throws {
        let samples = try BatchLoaderTests.makeImages(11)
        let mode = BatchLoader.Mode.training(seed: 5, augmentation: BatchLoaderTests.augmentation)
        let whole = BatchLoader(samples: samples, preprocessing: BatchLoaderTests.plan, batchSize: 6, mode: mode)
        for rank in 0..<2 {
            let share = BatchShare(rank: rank, ranks: 2)
            let part = BatchLoader(samples: samples, preprocessing: BatchLoaderTests.plan, batchSize: 6, mode: mode, share: share)
            for step in [0, 3] {
                let all = try whole.batch(step), mine = try part.batch(step)
                let positions = share.positions(batchSize: 6), per = all.images.count / 6
                #expect(mine.samples == positions.map { all.samples[$0] })
                #expect(mine.images.array == positions.flatMap { Array(all.images.array[($0 * per)..<(($0 + 1) * per)]) })
            }
        }
    }
}
