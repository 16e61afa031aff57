import Foundation
import Testing
import TestSupport
@testable import Checks

/// The reference values in Fixtures/statistics/drift.json, written by make_drift_fixtures.py.
struct DriftFixtures: Decodable {
    /// x_i = ((i·multiplier) mod modulus)/modulus + offset: a large sample both sides build instead of storing it.
    struct Generated: Decodable {
        let count: Int
        let multiplier: Int
        let modulus: Int
        let offset: Double

        var values: [Double] {
            (0..<count).map { Double(($0 * multiplier) % modulus) / Double(modulus) + offset }
        }
    }
    struct KS: Decodable {
        let name: String
        let first: [Double]?
        let second: [Double]?
        let firstGenerated: Generated?
        let secondGenerated: Generated?
        let statistic: Double
        let p: Double
        let method: String
        let scipyAsympP: Double?
    }
    struct Kolmogorov: Decodable { let z: Double; let sf: Double }
    struct Wasserstein: Decodable {
        let name: String
        let first: [Double]
        let second: [Double]
        let permutations: Int
        let seed: UInt64
        let distance: Double
        let p: Double
    }
    struct MMD: Decodable {
        let name: String
        let first: [[Double]]
        let second: [[Double]]
        let permutations: Int
        let seed: UInt64
        let bandwidth: Double
        let givenBandwidth: Double?
        let squared: Double
        let p: Double
    }
    struct CohensD: Decodable { let name: String; let first: [Double]; let second: [Double]; let d: Double }
    struct Band: Decodable { let replicates: Int; let alpha: Double; let coverage: Double; let lowest: Int; let highest: Int }

    let ks: [KS]
    let kolmogorov: [Kolmogorov]
    let wasserstein: [Wasserstein]
    let mmd: [MMD]
    let cohensD: [CohensD]
    let falseAlarmBand: Band

    static func load() throws -> DriftFixtures {
        try JSONFixture.decode(DriftFixtures.self, "statistics/drift.json", in: Bundle.module.url(forResource: "Fixtures", withExtension: nil))
    }
}

@Suite("Statistics: drift tests against SciPy and NumPy")
struct StatisticsDriftReferenceTests {
    @Test("Kolmogorov–Smirnov D and p match scipy.stats.ks_2samp (exact) and the Kolmogorov distribution (asymptotic)")
    func kolmogorovSmirnovMatches() throws {
        for reference in try DriftFixtures.load().ks {
            let first = try #require(reference.first ?? reference.firstGenerated?.values)
            let second = try #require(reference.second ?? reference.secondGenerated?.values)
            let test = try KolmogorovSmirnov(first, second)
            #expect(statisticsClose(test.statistic, reference.statistic, relative: 1e-12), "\(reference.name): D \(test.statistic)")
            #expect(test.method.rawValue == reference.method, "\(reference.name)")
            #expect(statisticsClose(test.pValue, reference.p, relative: 1e-9, absolute: 1e-12),
                    "\(reference.name): p \(test.pValue) vs \(reference.p)")
            #expect(test.firstCount == first.count && test.secondCount == second.count)
            let swapped = try KolmogorovSmirnov(second, first)
            #expect(swapped.statistic == test.statistic && swapped.pValue == test.pValue, "\(reference.name): symmetric")
            if let scipy = reference.scipyAsympP {
                #expect(abs(test.pValue - scipy) < 0.01, "\(reference.name): within the documented O(1/√n) of SciPy's 'asymp'")
            }
        }
    }

    @Test("the Kolmogorov survival function matches scipy.special.kolmogorov")
    func kolmogorovDistributionMatches() throws {
        for reference in try DriftFixtures.load().kolmogorov {
            let sf = KolmogorovDistribution.survival(reference.z)
            #expect(statisticsClose(sf, reference.sf, relative: 1e-12, absolute: 1e-15), "z = \(reference.z): \(sf) vs \(reference.sf)")
        }
    }

    @Test("Wasserstein distance matches scipy and the permutation p-value replays the same permutations")
    func wassersteinMatches() throws {
        for reference in try DriftFixtures.load().wasserstein {
            let test = try Wasserstein(reference.first, reference.second, permutations: reference.permutations, seed: reference.seed)
            #expect(statisticsClose(test.distance, reference.distance, relative: 1e-12, absolute: 1e-14),
                    "\(reference.name): \(test.distance) vs \(reference.distance)")
            #expect(test.pValue == reference.p, "\(reference.name): p \(test.pValue) vs \(reference.p)")
            #expect(test.permutations == reference.permutations && test.seed == reference.seed)
        }
    }

    @Test("unbiased MMD², median-heuristic bandwidth and permutation p-value match the direct NumPy computation")
    func maximumMeanDiscrepancyMatches() throws {
        for reference in try DriftFixtures.load().mmd {
            let test = try MaximumMeanDiscrepancy(reference.first, reference.second, permutations: reference.permutations,
                                                  seed: reference.seed, bandwidth: reference.givenBandwidth)
            #expect(statisticsClose(test.bandwidth, reference.bandwidth, relative: 1e-12), "\(reference.name): σ \(test.bandwidth)")
            #expect(statisticsClose(test.squared, reference.squared, relative: 1e-9, absolute: 1e-13),
                    "\(reference.name): MMD² \(test.squared) vs \(reference.squared)")
            #expect(test.pValue == reference.p, "\(reference.name): p \(test.pValue) vs \(reference.p)")
            #expect(test.firstCount == reference.first.count && test.secondCount == reference.second.count)
        }
    }

    @Test("MMD accepts Float vectors, the engine's embeddings, with the same result up to Float rounding of the input")
    func maximumMeanDiscrepancyOfFloats() throws {
        let reference = try #require(try DriftFixtures.load().mmd.first)
        let asFloat = { (vectors: [[Double]]) in vectors.map { $0.map { Double(Float($0)) } } }
        let doubles = try MaximumMeanDiscrepancy(asFloat(reference.first), asFloat(reference.second),
                                                 permutations: 50, seed: 1)
        let floats = try MaximumMeanDiscrepancy(reference.first.map { $0.map { Float($0) } },
                                                reference.second.map { $0.map { Float($0) } }, permutations: 50, seed: 1)
        #expect(floats == doubles)
    }

    @Test("Cohen's d matches the pooled-SD formula")
    func cohensDMatches() throws {
        for reference in try DriftFixtures.load().cohensD {
            let d = try #require(try StandardizedMeanDifference.cohensD(reference.first, reference.second))
            #expect(statisticsClose(d, reference.d, relative: 1e-10), "\(reference.name): \(d) vs \(reference.d)")
        }
        #expect(try StandardizedMeanDifference.cohensD([2, 2, 2], [2, 2]) == nil, "no spread: undefined")
        #expect(try StandardizedMeanDifference.cohensD([1], [2]) == nil, "one value each: no variance")
    }
}
