import Testing
import Checks

@Suite("Statistics: ROC and precision–recall curves")
struct StatisticsCurveTests {
    @Test("ROC points and AUC match scikit-learn and Mann–Whitney, ties included")
    func rocMatchesSklearn() throws {
        for reference in try StatisticsFixtures.load().curves {
            let curve = try ROCCurve(scores: reference.scores, labels: reference.labels)
            guard let expected = reference.roc else {
                #expect(curve == nil, "\(reference.name): one class only")
                continue
            }
            let roc = try #require(curve, "\(reference.name)")
            #expect(roc.points.count == expected.fpr.count, "\(reference.name)")
            #expect(roc.points.first?.threshold == .infinity)
            for (point, i) in zip(roc.points, expected.fpr.indices) {
                #expect(statisticsClose(point.falsePositiveRate, expected.fpr[i]), "\(reference.name) fpr \(i)")
                #expect(statisticsClose(point.truePositiveRate, expected.tpr[i]), "\(reference.name) tpr \(i)")
            }
            #expect(roc.points.dropFirst().map(\.threshold) == expected.thresholds, "\(reference.name)")
            #expect(statisticsClose(roc.auc, expected.auc, relative: 1e-14), "\(reference.name) AUC")
            #expect(statisticsClose(roc.auc, expected.mannWhitneyAuc, relative: 1e-14), "\(reference.name) U/(n1 n0)")
            #expect(roc.positives == reference.labels.filter { $0 }.count)
            #expect(roc.negatives == reference.labels.filter { !$0 }.count)
        }
    }

    @Test("precision–recall points and average precision match scikit-learn")
    func prMatchesSklearn() throws {
        for reference in try StatisticsFixtures.load().curves {
            let curve = try PRCurve(scores: reference.scores, labels: reference.labels)
            guard let expected = reference.pr else {
                #expect(curve == nil, "\(reference.name): no positives")
                continue
            }
            let pr = try #require(curve, "\(reference.name)")
            #expect(pr.points.map(\.threshold) == expected.thresholds, "\(reference.name)")
            for (point, i) in zip(pr.points, expected.precision.indices) {
                #expect(statisticsClose(point.precision, expected.precision[i]), "\(reference.name) precision \(i)")
                #expect(statisticsClose(point.recall, expected.recall[i]), "\(reference.name) recall \(i)")
            }
            #expect(statisticsClose(pr.averagePrecision, expected.averagePrecision), "\(reference.name) AP")
        }
    }

    @Test("hand-checked ties: a tie between classes counts one half")
    func handCheckedTies() throws {
        // Positives 0.9, 0.4, 0.1; negatives 0.4, 0.4. Pairs won: 0.9 beats both (2), 0.4 ties both (1), 0.1 none.
        let roc = try #require(try ROCCurve(scores: [0.9, 0.4, 0.4, 0.4, 0.1], labels: [true, true, false, false, true]))
        #expect(roc.auc == 0.5)
        #expect(roc.points.map(\.truePositives) == [0, 1, 2, 3])
        #expect(roc.points.map(\.falsePositives) == [0, 0, 2, 2])
        let constant = try #require(try ROCCurve(scores: [0.3, 0.3, 0.3], labels: [true, false, false]))
        #expect(constant.auc == 0.5 && constant.points.count == 2)
        let separated = try #require(try ROCCurve(scores: [0.1, 0.2, 0.8, 0.9], labels: [false, false, true, true]))
        #expect(separated.auc == 1)
        let pr = try #require(try PRCurve(scores: [0.1, 0.2, 0.8, 0.9], labels: [false, false, true, true]))
        #expect(pr.averagePrecision == 1)
    }
}
