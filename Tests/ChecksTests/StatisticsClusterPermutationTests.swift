@testable import Checks
import Testing

/// Permutation tests that move whole clusters: clustered data that differs only cluster by cluster is not drift.
struct StatisticsClusterPermutationTests {
    /// Two clusters a side, 20 nearly equal values each, cluster centres interleaved: image by image the sides
    /// differ (D = 0.5), cluster by cluster it is one of 6 equally likely splits.
    static func cluster(at centre: Double) -> [Double] { (0..<20).map { (i: Int) -> Double in centre + Double(i) / 100 } }
    static let first: [Double] = cluster(at: 0) + cluster(at: 20)
    static let second: [Double] = cluster(at: 10) + cluster(at: 30)
    static let groups = PermutationGroups(first: Array(repeating: "A", count: 20) + Array(repeating: "B", count: 20),
                                          second: Array(repeating: "C", count: 20) + Array(repeating: "D", count: 20))

    @Test func clusteredDataIsNotSignificantWhenClustersMove() throws {
        let images = try KolmogorovSmirnov(Self.first, Self.second)
        #expect(images.statistic == 0.5 && images.pValue < 0.01)
        let clustered = try KolmogorovSmirnov.clusterPermutation(Self.first, Self.second, groups: Self.groups, permutations: 500, seed: 1)
        #expect(clustered.statistic == 0.5 && clustered.pValue > 0.3, "\(clustered)")
        let wasserstein = try Wasserstein(Self.first, Self.second, permutations: 500, seed: 1, groups: Self.groups)
        #expect(wasserstein.pValue > 0.3, "\(wasserstein)")
        let mmd = try MaximumMeanDiscrepancy(Self.first.map { [$0] }, Self.second.map { [$0] }, permutations: 500, seed: 1, groups: Self.groups)
        #expect(mmd.pValue > 0.3, "\(mmd)")
        #expect(try MaximumMeanDiscrepancy(Self.first.map { [$0] }, Self.second.map { [$0] }, permutations: 500, seed: 1).pValue < 0.01)
    }

    @Test func clustersOfOneValueGiveTheImageLevelTest() throws {
        let x = [0.1, 0.4, 0.2, 0.9, 0.5], y = [0.3, 0.8, 0.7, 0.95]
        let singletons = PermutationGroups(first: x.indices.map { "a\($0)" }, second: y.indices.map { "a\($0)" })
        let grouped = try Wasserstein(x, y, permutations: 200, seed: 4, groups: singletons)
        #expect(grouped == (try Wasserstein(x, y, permutations: 200, seed: 4)))
        #expect(throws: StatisticsError.self) { try Wasserstein(x, y, seed: 4, groups: PermutationGroups(first: ["a"], second: ["b"])) }
    }
}
