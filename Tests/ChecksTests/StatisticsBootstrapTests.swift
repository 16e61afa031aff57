import Foundation
import Testing
import Checks

@Suite("Statistics: stratified bootstrap")
struct StatisticsBootstrapTests {
    private static func auc(_ scores: [Double], _ labels: [Bool]) throws -> Double? {
        try ROCCurve(scores: scores, labels: labels)?.auc
    }

    /// The Mann–Whitney AUC by comparing every pair: in debug builds far quicker than sorting at these sizes.
    private static func pairwiseAUC(_ scores: [Double], _ labels: [Bool]) -> Double? {
        var (wins, pairs) = (0.0, 0)
        for i in scores.indices where labels[i] {
            for j in scores.indices where !labels[j] {
                wins += scores[i] > scores[j] ? 1 : (scores[i] == scores[j] ? 0.5 : 0)
                pairs += 1
            }
        }
        return pairs > 0 ? wins / Double(pairs) : nil
    }

    /// Scores of a binormal model: positives N(shift, 1), negatives N(0, 1), so the true AUC is Φ(shift/√2).
    private static func binormalSample(positives: Int, negatives: Int, shift: Double, seed: UInt64)
        -> (scores: [Double], labels: [Bool]) {
        var generator = TestGenerator(state: seed)
        let labels = [Bool](repeating: true, count: positives) + [Bool](repeating: false, count: negatives)
        let scores = labels.map { generator.normal() + ($0 ? shift : 0) }
        return (scores, labels)
    }

    @Test("the same seed gives the same interval, another seed another")
    func deterministic() throws {
        let sample = Self.binormalSample(positives: 25, negatives: 40, shift: 1, seed: 7)
        let first = try #require(try Bootstrap.percentileInterval(scores: sample.scores, labels: sample.labels,
                                                              replicates: 300, seed: 42, statistic: Self.auc))
        let again = try #require(try Bootstrap.percentileInterval(scores: sample.scores, labels: sample.labels,
                                                              replicates: 300, seed: 42, statistic: Self.auc))
        let other = try #require(try Bootstrap.percentileInterval(scores: sample.scores, labels: sample.labels,
                                                              replicates: 300, seed: 43, statistic: Self.auc))
        #expect(first == again)
        #expect(first != other)
        #expect(try first.estimate == ROCCurve(scores: sample.scores, labels: sample.labels)?.auc)
        #expect(first.lower < first.estimate && first.estimate < first.upper && first.replicates == 300)
        // A DeLong interval on the same data should be of similar width.
        let delong = try #require(try DeLong.estimate(scores: sample.scores, labels: sample.labels))
        let ratio = (first.upper - first.lower) / (delong.upper - delong.lower)
        #expect(ratio > 0.7 && ratio < 1.4)
    }

    @Test("a seed's replicates are the documented SplitMix64 draws: matches a Python re-implementation")
    func matchesPython() throws {
        let reference = try StatisticsFixtures.load().bootstrap
        let interval = try #require(try Bootstrap.percentileInterval(
            scores: reference.scores, labels: reference.labels, replicates: reference.replicates,
            confidence: reference.confidence, seed: reference.seed, statistic: Self.auc))
        #expect(statisticsClose(interval.estimate, reference.estimate))
        #expect(statisticsClose(interval.lower, reference.lower))
        #expect(statisticsClose(interval.upper, reference.upper))
        #expect(interval.replicates == reference.replicates)
    }

    @Test("every replicate keeps the class counts; percentiles interpolate like NumPy")
    func stratifiedAndInterpolated() throws {
        let sample = Self.binormalSample(positives: 3, negatives: 9, shift: 0.5, seed: 1)
        var calls = 0
        let interval = try #require(try Bootstrap.percentileInterval(
            scores: sample.scores, labels: sample.labels, replicates: 1000, confidence: 0.95, seed: 5
        ) { scores, labels in
            #expect(labels.filter { $0 }.count == 3 && labels.count == 12 && scores.count == 12)
            // The estimate is call 0; the replicates get 1...1000.
            defer { calls += 1 }
            return Double(calls)
        })
        #expect(interval.estimate == 0)
        // np.percentile(np.arange(1, 1001), [2.5, 97.5]) = [25.975, 975.025].
        #expect(statisticsClose(interval.lower, 25.975) && statisticsClose(interval.upper, 975.025))
    }

    @Test("undefined statistics and missing classes")
    func undefined() throws {
        #expect(try Bootstrap.percentileInterval(scores: [0.1, 0.2], labels: [true, true], seed: 0,
                                             statistic: Self.auc) == nil)
        #expect(try Bootstrap.percentileInterval(scores: [0.1, 0.2], labels: [true, false], seed: 0) { _, _ in nil } == nil)
        var call = 0
        let partial = try Bootstrap.percentileInterval(scores: [0.1, 0.2, 0.3], labels: [true, false, true], replicates: 10,
                                                   seed: 0) { _, _ in
            defer { call += 1 }
            return call.isMultiple(of: 2) ? 1 : nil
        }
        #expect(partial?.replicates == 5)
    }

    @Test("the 90% interval covers the true AUC at about the nominal rate (200 simulated data sets)")
    func coverage() throws {
        let shift = 1.0
        let trueAUC = NormalDistribution.cdf(shift / 2.0.squareRoot())
        var covered = 0
        let repetitions = 200
        let first = Self.binormalSample(positives: 25, negatives: 25, shift: shift, seed: 1000)
        #expect(try Self.pairwiseAUC(first.scores, first.labels) == Self.auc(first.scores, first.labels))
        for repetition in 0..<repetitions {
            let sample = Self.binormalSample(positives: 25, negatives: 25, shift: shift,
                                             seed: UInt64(1000 + repetition))
            let interval = try #require(try Bootstrap.percentileInterval(
                scores: sample.scores, labels: sample.labels, replicates: 200, confidence: 0.9,
                seed: UInt64(repetition), statistic: Self.pairwiseAUC))
            if interval.lower <= trueAUC && trueAUC <= interval.upper { covered += 1 }
        }
        let rate = Double(covered) / Double(repetitions)
        // Binomial sd of the rate at 0.9 over 200 runs is 0.021; a 2,000-run simulation in release gives 0.893 here.
        #expect(rate > 0.82 && rate < 0.97, "coverage \(rate)")
    }
}

/// SplitMix64 with Box–Muller normals, for simulated data sets that do not depend on Bootstrap's own generator.
struct TestGenerator {
    var state: UInt64

    mutating func uniform() -> Double {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return (Double((z ^ (z >> 31)) >> 11) + 0.5) / 9_007_199_254_740_992
    }

    mutating func normal() -> Double {
        (-2 * log(uniform())).squareRoot() * cos(2 * Double.pi * uniform())
    }
}
