import Foundation
import Testing
import Checks

@Suite("Statistics: intervals that resample patients")
struct StatisticsClusterBootstrapTests {
    /// A simulated test split: patients whose own accuracy varies around the population's (logit-normal), each with
    /// a varying number of cells. Returns each patient's (correct, cells).
    static func patients(_ count: Int, generator: inout TestGenerator) -> [(correct: Int, cells: Int)] {
        (0..<count).map { _ in
            let accuracy = 1 / (1 + exp(-(Self.logitMean + Self.logitSD * generator.normal())))
            let cells = 5 + Int(generator.uniform() * 56)
            let correct = (0..<cells).reduce(0) { sum, _ in sum + (generator.uniform() < accuracy ? 1 : 0) }
            return (correct, cells)
        }
    }
    static let logitMean = 2.2, logitSD = 1.0

    /// E[accuracy] over patients: the logit-normal mean by the trapezoidal rule over ±8 sd.
    static var trueAccuracy: Double {
        let steps = 4000, h = 16.0 / Double(steps)
        var sum = 0.0
        for i in 0...steps {
            let z = -8 + Double(i) * h
            let f = exp(-z * z / 2) / (2 * Double.pi).squareRoot() / (1 + exp(-(logitMean + logitSD * z)))
            sum += (i == 0 || i == steps ? 0.5 : 1) * f
        }
        return sum * h
    }

    /// On data with patient-level variation, an interval that treats cells as independent covers the true
    /// accuracy far less often than it says; resampling patients covers it at about the nominal 95%.
    @Test("image-level intervals undercover on clustered data; patient-level ones hold 95% (1,000 simulated sets)")
    func coverage() throws {
        let truth = Self.trueAccuracy
        var generator = TestGenerator(state: 17)
        var (imageCovered, groupCovered) = (0, 0)
        let sets = 1000
        for set in 0..<sets {
            let data = Self.patients(60, generator: &generator)
            let (k, n) = data.reduce((0, 0)) { ($0.0 + $1.correct, $0.1 + $1.cells) }
            let wilson = try #require(try WilsonInterval(successes: k, trials: n, confidence: 0.95))
            if wilson.lower <= truth && truth <= wilson.upper { imageCovered += 1 }
            // One entry per patient holding its counts: the same draws as one entry per cell, far fewer to add up.
            let interval = try #require(try Bootstrap.clusterPercentileInterval(
                groupOf: Array(data.indices), replicates: 200, confidence: 0.95, seed: UInt64(set)) { drawn in
                    let (k, n) = drawn.reduce((0, 0)) { ($0.0 + data[$1].correct, $0.1 + data[$1].cells) }
                    return Double(k) / Double(n)
                })
            if interval.lower <= truth && truth <= interval.upper { groupCovered += 1 }
        }
        let (image, group) = (Double(imageCovered) / Double(sets), Double(groupCovered) / Double(sets))
        #expect(image < 0.75, "image-level coverage \(image)")
        #expect(group >= 0.93 && group <= 0.97, "patient-level coverage \(group)")
    }

    /// Reference quantiles from SciPy (`scipy.stats.t.ppf`).
    @Test("Student t quantiles match SciPy from 5 degrees of freedom")
    func studentT() {
        for (nu, p, scipy) in [(5.0, 0.975, 2.5705818356363146), (10, 0.975, 2.228138851986274), (15, 0.975, 2.131449545559776),
                               (59, 0.975, 2.000995378088267), (15, 0.995, 2.946712883475238), (10, 0.95, 1.8124611228116756)] {
            #expect(abs(StudentT.quantile(p, degreesOfFreedom: nu) - scipy) < 3e-4, "ν \(nu), p \(p)")
        }
        #expect(abs(StudentT.quantile(0.975, degreesOfFreedom: 1e9) - NormalDistribution.quantile(0.975)) < 1e-8)
    }

    @Test("a patient's cells are drawn together, in a seeded order")
    func drawsWholeGroups() throws {
        let groups = ["a", "a", "a", "b", "c", "c"]
        var replicates: [[Int]] = []
        let interval = try #require(try Bootstrap.clusterPercentileInterval(groupOf: groups, replicates: 50, seed: 3) { indices in
            replicates.append(indices)
            return Double(indices.count)
        })
        #expect(interval.estimate == 6 && replicates.count == 51)
        for drawn in replicates.dropFirst() {
            // Three groups drawn: each index of a drawn group appears as often as the group was drawn.
            let count = { (i: Int) in drawn.count { $0 == i } }
            #expect(count(0) == count(1) && count(1) == count(2) && count(4) == count(5))
            #expect(count(0) + count(3) + count(4) == 3)
        }
        let again = try Bootstrap.clusterPercentileInterval(groupOf: groups, replicates: 50, seed: 3) { Double($0.count) }
        #expect(again == interval)
        #expect(try Bootstrap.clusterPercentileInterval(groupOf: groups, replicates: 50, seed: 3) { _ in nil } == nil)
        #expect(throws: StatisticsError.self) { try Bootstrap.clusterPercentileInterval(groupOf: groups, replicates: 0, seed: 3) { _ in 1 } }
    }
}
