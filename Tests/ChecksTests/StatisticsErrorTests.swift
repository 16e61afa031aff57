import Checks
import Testing

/// Inputs no statistic can take (NaN scores, mismatched lists, a confidence outside (0, 1))
/// come from models and specs, so each is a thrown error naming the problem, never a trap.
@Suite("Statistics: inputs they cannot take are errors")
struct StatisticsErrorTests {
    let labels = [true, false, true, false]

    @Test func nanScoresAreRefused() {
        let scores = [0.9, .nan, 0.4, 0.1]
        #expect(throws: StatisticsError.self) { try DeLong.estimate(scores: scores, labels: labels) }
        #expect(throws: StatisticsError.self) { try DeLong.compare(scoresA: scores, scoresB: [0.1, 0.2, 0.3, 0.4], labels: labels) }
        #expect(throws: StatisticsError.self) { try ROCCurve(scores: scores, labels: labels) }
        #expect(throws: StatisticsError.self) { try PRCurve(scores: scores, labels: labels) }
        do {
            _ = try ROCCurve(scores: scores, labels: labels)
        } catch {
            #expect("\(error)" == "scores must not be NaN (1 of 4 are)")
        }
    }

    @Test func listsOfDifferentLengthsAreRefused() {
        #expect(throws: StatisticsError.self) { try DeLong.estimate(scores: [0.1, 0.2], labels: labels) }
        #expect(throws: StatisticsError.self) { try BinaryConfusion(labels: labels, predictions: [true], positive: true) }
        #expect(throws: StatisticsError.self) { try ConfusionMatrix(classCount: 2, labels: [0, 1], predictions: [0]) }
        #expect(throws: StatisticsError.self) { try McNemar(labels: [0, 1], predictionsA: [0, 1], predictionsB: [0]) }
        #expect(throws: StatisticsError.self) { try CalibrationError(confidences: [0.5], correct: [true, false]) }
        #expect(throws: StatisticsError.self) { try CalibrationError(confidences: [0.5], correct: [true, false], binning: .equalMass) }
        #expect(throws: StatisticsError.self) { try BrierScore(probabilities: [[0.5, 0.5]], labels: [0, 1]) }
        #expect(throws: StatisticsError.self) { try BrierScore(scores: [0.5], labels: [true, false]) }
        #expect(throws: StatisticsError.self) { try TemperatureScaling(logits: [[1, 0]], labels: [0, 1]) }
        #expect(throws: StatisticsError.self) {
            try Bootstrap.percentileInterval(scores: [0.1], labels: labels, seed: 0) { _, _ in 0.5 }
        }
    }

    @Test func valuesOutsideTheirRangeAreRefused() {
        for confidence in [0.0, 1.0, .nan] {
            #expect(throws: StatisticsError.self) { try WilsonInterval(successes: 1, trials: 2, confidence: confidence) }
            #expect(throws: StatisticsError.self) { try DeLong.estimate(scores: [0.9, 0.8, 0.2, 0.1], labels: labels, confidence: confidence) }
        }
        #expect(throws: StatisticsError.self) { try WilsonInterval(successes: 3, trials: 2) }
        #expect(throws: StatisticsError.self) { try CalibrationError(confidences: [1.5], correct: [true]) }
        #expect(throws: StatisticsError.self) { try CalibrationError(probabilities: [[]], labels: [0]) }
        #expect(throws: StatisticsError.self) { try BrierScore(probabilities: [[0.5, 0.5]], labels: [2]) }
        #expect(throws: StatisticsError.self) { try BrierScore(probabilities: [[1.5, -0.5]], labels: [0]) }
        #expect(throws: StatisticsError.self) { try BrierScore(probabilities: [[0.5, 0.5], [1]], labels: [0, 0]) }
        #expect(throws: StatisticsError.self) { try BrierScore(scores: [.nan], labels: [true]) }
        #expect(throws: StatisticsError.self) { try TemperatureScaling(logits: [[.infinity, 0]], labels: [0]) }
        #expect(throws: StatisticsError.self) { try TemperatureScaling(logits: [[1, 0]], labels: [-1]) }
        #expect(throws: StatisticsError.self) { try TemperatureScaling(logits: [[1, 0], [1]], labels: [0, 0]) }
        #expect(throws: StatisticsError.self) { try ConfusionMatrix(classCount: 2, labels: [0, 2], predictions: [0, 1]) }
        #expect(throws: StatisticsError.self) { try ConfusionMatrix(counts: [[1, -1], [0, 0]]) }
        #expect(throws: StatisticsError.self) { try McNemar(onlyACorrect: -1, onlyBCorrect: 0) }
    }
}
