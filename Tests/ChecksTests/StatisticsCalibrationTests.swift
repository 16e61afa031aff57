import Testing
import Checks

@Suite("Statistics: expected calibration error")
struct StatisticsCalibrationTests {
    @Test("bins and ECE match the NumPy reference, edges included")
    func matchesReference() throws {
        for reference in try StatisticsFixtures.load().calibration {
            let computed: CalibrationError?
            if let probabilities = reference.probabilities, let labels = reference.labels {
                computed = try CalibrationError(probabilities: probabilities, labels: labels,
                                            binCount: reference.bins.count)
            } else {
                computed = try CalibrationError(confidences: reference.confidences, correct: reference.correct,
                                            binCount: reference.bins.count)
            }
            let calibration = try #require(computed, "\(reference.name)")
            #expect(calibration.bins.count == reference.bins.count)
            for (m, (bin, expected)) in zip(calibration.bins, reference.bins).enumerated() {
                #expect(bin.count == expected.count, "\(reference.name) bin \(m) count")
                #expect(statisticsClose(bin.confidence, expected.confidence), "\(reference.name) bin \(m) confidence")
                #expect(statisticsClose(bin.accuracy, expected.accuracy), "\(reference.name) bin \(m) accuracy")
                #expect(bin.lowerEdge == Double(m) / Double(reference.bins.count))
            }
            #expect(statisticsClose(calibration.value, reference.ece), "\(reference.name) ECE")
        }
    }

    @Test("no samples, perfect calibration, default bins")
    func simpleCases() throws {
        #expect(try CalibrationError(confidences: [], correct: []) == nil)
        let perfect = try #require(try CalibrationError(confidences: [1, 1, 0.5, 0.5],
                                                    correct: [true, true, true, false]))
        #expect(perfect.value == 0 && perfect.bins.count == 15)
        let overconfident = try #require(try CalibrationError(confidences: [0.9, 0.9], correct: [false, true],
                                                          binCount: 10))
        #expect(statisticsClose(overconfident.value, 0.4))
        // 0.9 lies on the edge 9/10, so it falls in bin 8, (0.8, 0.9].
        #expect(overconfident.bins[8].count == 2 && overconfident.bins[9].count == 0)
        #expect(overconfident.bins[9].accuracy == nil)
    }
}
