import Testing
import Checks

@Suite("Statistics: binary confusion and confusion matrix")
struct StatisticsConfusionTests {
    @Test("binary counts and rates match scikit-learn")
    func binaryMatchesSklearn() throws {
        for reference in try StatisticsFixtures.load().binary {
            let confusion = try BinaryConfusion(labels: reference.labels, predictions: reference.predictions,
                                            positive: reference.positive)
            let name = reference.name
            #expect(confusion.truePositives == reference.tp && confusion.falsePositives == reference.fp, "\(name)")
            #expect(confusion.trueNegatives == reference.tn && confusion.falseNegatives == reference.fn, "\(name)")
            #expect(statisticsClose(confusion.accuracy?.value, reference.accuracy), "\(name) accuracy")
            #expect(statisticsClose(confusion.precision?.value, reference.precision), "\(name) precision")
            #expect(statisticsClose(confusion.recall?.value, reference.recall), "\(name) recall")
            #expect(statisticsClose(confusion.sensitivity?.value, reference.recall), "\(name) sensitivity")
            #expect(statisticsClose(confusion.specificity?.value, reference.specificity), "\(name) specificity")
            #expect(statisticsClose(confusion.f1?.value, reference.f1), "\(name) f1")
            #expect(statisticsClose(confusion.balancedAccuracy, reference.balancedAccuracy), "\(name) balanced")
            #expect(statisticsClose(confusion.falseNegativeRate?.value, reference.recall.map { 1 - $0 }), "\(name) FNR")
            #expect(statisticsClose(confusion.falsePositiveRate?.value, reference.specificity.map { 1 - $0 }),
                    "\(name) FPR")
        }
    }

    @Test("proportions keep their counts and are nil, not NaN, without a denominator")
    func proportions() throws {
        let confusion = try BinaryConfusion(truePositives: 45, falsePositives: 0, trueNegatives: 0, falseNegatives: 3)
        let recall = try #require(confusion.recall)
        #expect(recall.numerator == 45 && recall.denominator == 48)
        #expect(confusion.falseNegativeRate?.numerator == 3 && confusion.precision?.value == 1)
        #expect(confusion.specificity == nil && confusion.falsePositiveRate == nil && confusion.balancedAccuracy == nil)
        let interval = try #require(try recall.wilson(confidence: 0.95))
        #expect(try interval == WilsonInterval(successes: 45, trials: 48, confidence: 0.95))
        #expect(BinaryConfusion.Proportion(0, of: 0) == nil)
        let empty = try BinaryConfusion(labels: [Bool](), predictions: [], positive: true)
        #expect(empty.total == 0 && empty.accuracy == nil && empty.f1 == nil && empty.precision == nil)
    }

    @Test("confusion matrix matches scikit-learn, undefined classes left out of macro averages")
    func matrixMatchesSklearn() throws {
        for reference in try StatisticsFixtures.load().multiclass {
            let matrix = try ConfusionMatrix(classCount: reference.classes, labels: reference.labels,
                                         predictions: reference.predictions)
            let name = reference.name
            #expect(matrix.counts == reference.counts, "\(name)")
            #expect(matrix.total == reference.labels.count)
            #expect(statisticsClose(matrix.accuracy?.value, reference.accuracy), "\(name) accuracy")
            for c in 0..<reference.classes {
                #expect(statisticsClose(matrix.recall(ofClass: c)?.value, reference.recall[c]), "\(name) recall \(c)")
                #expect(statisticsClose(matrix.precision(ofClass: c)?.value, reference.precision[c]),
                        "\(name) precision \(c)")
                #expect(statisticsClose(try matrix.oneVsRest(c).f1?.value, reference.f1[c]), "\(name) f1 \(c)")
                #expect(try matrix.oneVsRest(c).total == matrix.total)
            }
            #expect(statisticsClose(matrix.macroRecall, reference.macroRecall), "\(name) macro recall")
            #expect(statisticsClose(matrix.macroPrecision, reference.macroPrecision), "\(name) macro precision")
            #expect(statisticsClose(try matrix.macroF1, reference.macroF1), "\(name) macro F1")
        }
    }

    @Test("two-class matrix agrees with BinaryConfusion")
    func twoClassAgreement() throws {
        let labels = [0, 1, 1, 0, 1, 1, 0, 0, 1]
        let predictions = [0, 1, 0, 1, 1, 1, 0, 0, 0]
        let matrix = try ConfusionMatrix(classCount: 2, labels: labels, predictions: predictions)
        let binary = try BinaryConfusion(labels: labels, predictions: predictions, positive: 1)
        #expect(try matrix.oneVsRest(1) == binary)
        #expect(statisticsClose(matrix.macroRecall, binary.balancedAccuracy))
        #expect(try ConfusionMatrix(counts: [[0, 0], [0, 0]]).accuracy == nil)
        #expect(try ConfusionMatrix(counts: [[0, 0], [0, 0]]).macroRecall == nil)
    }
}
