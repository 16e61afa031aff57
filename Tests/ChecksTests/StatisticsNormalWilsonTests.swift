import Foundation
import Testing
import Checks

@Suite("Statistics: normal distribution and Wilson interval")
struct StatisticsNormalWilsonTests {
    @Test("quantile matches scipy.stats.norm.ppf from 1e-300 to 1 − 1e-15")
    func quantileMatchesScipy() throws {
        let fixture = try StatisticsFixtures.load()
        #expect(fixture.normal.quantile.count > 150)
        for reference in fixture.normal.quantile {
            let x = NormalDistribution.quantile(reference.p)
            #expect(statisticsClose(x, reference.x, relative: 1e-12, absolute: 1e-15),
                    "p = \(reference.p): \(x) vs \(reference.x)")
        }
    }

    @Test("cdf and survival match scipy in both tails")
    func cdfMatchesScipy() throws {
        for reference in try StatisticsFixtures.load().normal.cdf {
            // Rounding x/√2 by one ulp moves erfc by about x² ulps: the far tail is only that accurate, in scipy too.
            let tolerance = 1e-13 * max(1, reference.x * reference.x)
            let cdf = NormalDistribution.cdf(reference.x)
            let survival = NormalDistribution.survival(reference.x)
            #expect(statisticsClose(cdf, reference.cdf, relative: tolerance, absolute: 0), "cdf(\(reference.x))")
            #expect(statisticsClose(survival, reference.sf, relative: tolerance, absolute: 0), "sf(\(reference.x))")
        }
    }

    @Test("quantile edge values and round trip")
    func quantileEdges() {
        #expect(NormalDistribution.quantile(0) == -.infinity)
        #expect(NormalDistribution.quantile(1) == .infinity)
        #expect(NormalDistribution.quantile(-0.1).isNaN)
        #expect(NormalDistribution.quantile(1.5).isNaN)
        #expect(NormalDistribution.quantile(0.5) == 0)
        #expect(statisticsClose(NormalDistribution.twoSidedCriticalValue(confidence: 0.95), 1.959963984540054))
        for p in stride(from: 0.001, to: 1, by: 0.001) {
            #expect(statisticsClose(NormalDistribution.cdf(NormalDistribution.quantile(p)), p, relative: 1e-13))
        }
        #expect(statisticsClose(NormalDistribution.twoSidedPValue(-1.959963984540054), 0.05))
    }

    @Test("Wilson interval matches the roots of its defining quadratic")
    func wilsonMatchesReference() throws {
        let fixture = try StatisticsFixtures.load()
        // The reference roots come from numpy.roots (companion-matrix eigenvalues), good to about 1e-13.
        for reference in fixture.wilson {
            let interval = try #require(try WilsonInterval(successes: reference.k, trials: reference.n,
                                                       confidence: reference.confidence))
            let label = "\(reference.k)/\(reference.n) at \(reference.confidence)"
            #expect(statisticsClose(interval.lower, reference.lower, relative: 1e-11, absolute: 1e-12), "\(label) lower")
            #expect(statisticsClose(interval.upper, reference.upper, relative: 1e-11, absolute: 1e-12), "\(label) upper")
            #expect(interval.lower <= interval.estimate && interval.estimate <= interval.upper, "\(label) contains k/n")
        }
    }

    @Test("Wilson edge cases: no trials, none and all successes")
    func wilsonEdges() throws {
        #expect(try WilsonInterval(successes: 0, trials: 0) == nil)
        let none = try #require(try WilsonInterval(successes: 0, trials: 20))
        #expect(none.lower == 0 && none.upper > 0 && none.upper < 0.2)
        let all = try #require(try WilsonInterval(successes: 20, trials: 20))
        #expect(all.upper == 1 && all.lower < 1 && all.lower > 0.8)
        // Symmetric in k ↔ n − k.
        let low = try #require(try WilsonInterval(successes: 3, trials: 17, confidence: 0.9))
        let high = try #require(try WilsonInterval(successes: 14, trials: 17, confidence: 0.9))
        #expect(statisticsClose(low.lower, 1 - high.upper) && statisticsClose(low.upper, 1 - high.lower))
        // Wider at higher confidence.
        let wide = try #require(try WilsonInterval(successes: 3, trials: 17, confidence: 0.99))
        #expect(wide.lower < low.lower && wide.upper > low.upper)
    }
}
