import Testing
import Checks

@Suite("Statistics: DeLong variance and paired test")
struct StatisticsDeLongTests {
    @Test("variance and interval match the O(n²) structural-components reference")
    func singleMatchesReference() throws {
        for reference in try StatisticsFixtures.load().delong {
            let estimate = try #require(try DeLong.estimate(scores: reference.scores, labels: reference.labels,
                                                        confidence: reference.confidence), "\(reference.name)")
            let name = "\(reference.name) at \(reference.confidence)"
            #expect(statisticsClose(estimate.auc, reference.auc), "\(name) AUC")
            #expect(statisticsClose(estimate.variance, reference.variance, relative: 1e-12, absolute: 1e-16),
                    "\(name) variance")
            #expect(statisticsClose(estimate.lower, reference.lower, relative: 1e-12), "\(name) lower")
            #expect(statisticsClose(estimate.upper, reference.upper, relative: 1e-12), "\(name) upper")
            #expect(estimate.positives + estimate.negatives == reference.labels.count)
            let roc = try #require(try ROCCurve(scores: reference.scores, labels: reference.labels))
            #expect(estimate.auc == roc.auc, "\(name): same AUC as the ROC curve")
        }
    }

    @Test("paired test matches the O(n²) reference")
    func pairedMatchesReference() throws {
        for reference in try StatisticsFixtures.load().delongPaired {
            let comparison = try #require(try DeLong.compare(scoresA: reference.scoresA, scoresB: reference.scoresB,
                                                         labels: reference.labels), "\(reference.name)")
            #expect(statisticsClose(comparison.aucA, reference.aucA), "\(reference.name) AUC A")
            #expect(statisticsClose(comparison.aucB, reference.aucB), "\(reference.name) AUC B")
            #expect(statisticsClose(comparison.variance, reference.variance, relative: 1e-12),
                    "\(reference.name) variance")
            #expect(statisticsClose(comparison.z, reference.z, relative: 1e-12), "\(reference.name) z")
            #expect(statisticsClose(comparison.pValue, reference.p, relative: 1e-12), "\(reference.name) p")
        }
    }

    @Test("undefined and degenerate cases")
    func degenerate() throws {
        // One positive: the within-class variance is undefined.
        #expect(try DeLong.estimate(scores: [0.9, 0.1, 0.2], labels: [true, false, false]) == nil)
        #expect(try DeLong.estimate(scores: [0.9, 0.8], labels: [true, true]) == nil)
        #expect(try DeLong.compare(scoresA: [0.9, 0.1, 0.2], scoresB: [0.1, 0.2, 0.3], labels: [true, false, false]) == nil)
        let scores = [0.1, 0.4, 0.35, 0.8, 0.7, 0.2]
        let labels = [false, false, true, true, true, false]
        let same = try #require(try DeLong.compare(scoresA: scores, scoresB: scores, labels: labels))
        #expect(same.z == 0 && same.pValue == 1 && same.difference == 0)
        // A perfect ranking against a constant one: zero variance of the difference, so z is infinite.
        let separated = [0.1, 0.2, 0.3, 0.8, 0.9, 0.95]
        let separatedLabels = [false, false, false, true, true, true]
        let perfect = try #require(try DeLong.compare(scoresA: separated, scoresB: [Double](repeating: 0.5, count: 6),
                                                  labels: separatedLabels))
        #expect(perfect.difference == 0.5 && perfect.z == .infinity && perfect.pValue == 0)
        let point = try #require(try DeLong.estimate(scores: separated, labels: separatedLabels))
        #expect(point.auc == 1 && point.variance == 0 && point.lower == 1 && point.upper == 1)
    }
}
