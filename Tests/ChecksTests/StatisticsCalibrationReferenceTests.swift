import Foundation
import Testing
import TestSupport
import Checks
import Datasets

/// The reference values in Fixtures/statistics/calibration.json, written by make_calibration_fixtures.py.
private struct CalibrationFixtures: Decodable {
    struct Bin: Decodable { let count: Int; let confidence: Double?; let accuracy: Double?; let lower: Double?; let upper: Double? }
    struct Reliability: Decodable { let bins: [Bin]; let ece: Double }
    struct After: Decodable { let eceEqualMass: Double; let brier: Double }
    struct Case: Decodable {
        let name: String
        let logits: [[Double]]
        let labels: [Int]
        let bins: Int
        let probabilities: [[Double]]
        let equalWidth: Reliability
        let equalMass: Reliability
        let brierMulticlassSum: Double
        let brierBinary: Double?
        let brier: Double
        let temperature: Double
        let nllBefore: Double
        let nllAfter: Double
        let after: After
    }
    struct LabelsAsAccuracies: Decodable {
        let probabilities: [[Double]]
        let labels: [Int]
        let bins: Int
        let ece: Double
        let eceWithLabelsAsAccuracies: Double
    }
    let cases: [Case]
    let labelsAsAccuracies: LabelsAsAccuracies

    static func load() throws -> CalibrationFixtures {
        try JSONFixture.decode(CalibrationFixtures.self, "statistics/calibration.json", in: Bundle.module.url(forResource: "Fixtures", withExtension: nil))
    }
}

@Suite("Statistics: calibration against NumPy and SciPy")
struct StatisticsCalibrationReferenceTests {
    @Test("ECE and its bins, equal width and equal mass, match the written-out sums")
    func reliabilityMatches() throws {
        for reference in try CalibrationFixtures.load().cases {
            for (binning, expected) in [(CalibrationError.Binning.equalWidth, reference.equalWidth), (.equalMass, reference.equalMass)] {
                let computed = try #require(try CalibrationError(probabilities: reference.probabilities, labels: reference.labels,
                                                                 binCount: reference.bins, binning: binning))
                let what = "\(reference.name), \(binning.rawValue)"
                #expect(statisticsClose(computed.value, expected.ece, relative: 1e-10), "\(what): ECE \(computed.value) vs \(expected.ece)")
                // Equal width keeps empty bins; equal mass has none, and fewer than M with fewer than M samples.
                let bins = binning == .equalWidth ? expected.bins : expected.bins.filter { $0.count > 0 }
                #expect(computed.bins.count == bins.count, "\(what)")
                for (m, (bin, want)) in zip(computed.bins, bins).enumerated() {
                    #expect(bin.count == want.count, "\(what) bin \(m) count")
                    #expect(statisticsClose(bin.confidence, want.confidence, relative: 1e-10), "\(what) bin \(m) confidence")
                    #expect(statisticsClose(bin.accuracy, want.accuracy, relative: 1e-10), "\(what) bin \(m) accuracy")
                    if binning == .equalMass {
                        #expect(bin.lowerEdge == want.lower && bin.upperEdge == want.upper, "\(what) bin \(m) edges")
                    }
                }
            }
        }
    }

    @Test("Brier score: half the multi-class sum, the binary mean with two classes")
    func brierMatches() throws {
        for reference in try CalibrationFixtures.load().cases {
            let brier = try #require(try BrierScore(probabilities: reference.probabilities, labels: reference.labels))
            #expect(statisticsClose(brier.value, reference.brier, relative: 1e-12), "\(reference.name)")
            #expect(statisticsClose(2 * brier.value, reference.brierMulticlassSum, relative: 1e-12), "\(reference.name)")
            if let binary = reference.brierBinary {
                let scores = reference.probabilities.map { $0[1] }
                let direct = try #require(try BrierScore(scores: scores, labels: reference.labels.map { $0 == 1 }))
                #expect(statisticsClose(direct.value, binary, relative: 1e-12) && statisticsClose(brier.value, binary, relative: 1e-12),
                        "\(reference.name)")
            }
        }
    }

    @Test("the brier_score metric is the reference score, with a bootstrap interval for two classes")
    func brierMetricMatches() throws {
        for reference in try CalibrationFixtures.load().cases {
            let k = reference.logits[0].count
            let predictions = DatasetPredictions(logits: reference.logits.flatMap { $0.map(Float.init) }, labels: reference.labels, classes: k)
            let m = try #require(try MetricMeasurement.measure(.brierScore, on: predictions, positive: 1, confidence: 0.95))
            // The logits pass through Float on their way in.
            #expect(abs(m.value - reference.brier) < 1e-6, "\(reference.name): \(m.value) vs \(reference.brier)")
            #expect((m.method == "bootstrap") == (k == 2), "\(reference.name): \(m.method ?? "none")")
            let groups = reference.labels.indices.map { "P\($0 / 3)" }
            let byGroup = try #require(try MetricMeasurement.measure(.brierScore, on: predictions, positive: 1, confidence: 0.95, groups: groups))
            #expect(byGroup.value == m.value)
        }
    }

    @Test("the fitted temperature and the scores after it match SciPy's bounded minimiser")
    func temperatureMatches() throws {
        for reference in try CalibrationFixtures.load().cases {
            let fit = try #require(try TemperatureScaling(logits: reference.logits, labels: reference.labels))
            #expect(abs(fit.temperature / reference.temperature - 1) < 1e-6, "\(reference.name): T \(fit.temperature) vs \(reference.temperature)")
            #expect(!fit.atSearchBound)
            #expect(statisticsClose(fit.lossBefore, reference.nllBefore, relative: 1e-12), "\(reference.name)")
            #expect(statisticsClose(fit.lossAfter, reference.nllAfter, relative: 1e-9), "\(reference.name)")
            #expect(fit.lossAfter <= fit.lossBefore)
            let scaled = TemperatureScaling.probabilities(logits: reference.logits, temperature: fit.temperature)
            let ece = try #require(try CalibrationError(probabilities: scaled, labels: reference.labels, binCount: reference.bins, binning: .equalMass))
            #expect(abs(ece.value - reference.after.eceEqualMass) < 1e-6, "\(reference.name)")
            let brier = try #require(try BrierScore(probabilities: scaled, labels: reference.labels))
            #expect(abs(brier.value - reference.after.brier) < 1e-6, "\(reference.name)")
        }
    }

    @Test("logits five times too large give T near 5 and a smaller ECE")
    func overconfidenceIsUndone() throws {
        let reference = try #require(try CalibrationFixtures.load().cases.first { $0.name.contains("five times") })
        let fit = try #require(try TemperatureScaling(logits: reference.logits, labels: reference.labels))
        #expect(fit.temperature > 4 && fit.temperature < 6.5)
        #expect(reference.after.eceEqualMass < reference.equalMass.ece / 2)
    }

    @Test("accuracy is the share of right predictions, not of positive labels")
    func labelsAreNotAccuracies() throws {
        let reference = try CalibrationFixtures.load().labelsAsAccuracies
        let ece = try #require(try CalibrationError(probabilities: reference.probabilities, labels: reference.labels, binCount: reference.bins))
        #expect(statisticsClose(ece.value, reference.ece, relative: 1e-10))
        #expect(abs(ece.value - reference.eceWithLabelsAsAccuracies) > 0.1, "\(ece.value) vs the mistaken \(reference.eceWithLabelsAsAccuracies)")
    }

    @Test("a perfectly separated validation set pushes T to the end of its range, and says so")
    func separableDataHitsTheBound() throws {
        let fit = try #require(try TemperatureScaling(logits: [[2, 0], [0, 3], [1, -1]], labels: [0, 1, 0]))
        #expect(fit.atSearchBound && abs(fit.temperature - TemperatureScaling.searchRange.lowerBound) < 1e-6)
        #expect(try TemperatureScaling(logits: [], labels: []) == nil)
    }
}
