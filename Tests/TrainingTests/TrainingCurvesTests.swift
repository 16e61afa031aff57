import Foundation
import Testing
@testable import Training

@Suite struct TrainingCurvesTests {
    @Test func runFolderGetsBothChartsAsSVGFiles() throws {
        let run = RunFolder(TrainerTests.temporaryRun())
        try run.create()
        defer { try? FileManager.default.removeItem(at: run.url) }
        let log = [
            TrainingLogEntry(step: 1, loss: 0.69), TrainingLogEntry(step: 2, loss: 0.6, validationLoss: 0.65, validationAccuracy: 0.55),
            TrainingLogEntry(step: 3, loss: 0.5), TrainingLogEntry(step: 4, loss: 0.45, validationLoss: 0.5, validationAccuracy: 0.7),
        ]
        try TrainingCurves.write(log, to: run)
        #expect(run.lossPlot.lastPathComponent == "loss.svg" && run.accuracyPlot.lastPathComponent == "accuracy.svg")
        let loss = try String(contentsOf: run.lossPlot, encoding: .utf8)
        #expect(loss.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(loss.contains("<title>Loss</title>") && loss.contains(">training</text>") && loss.contains(">validation</text>"))
        let accuracy = try String(contentsOf: run.accuracyPlot, encoding: .utf8)
        #expect(accuracy.contains("<title>Validation accuracy</title>") && accuracy.contains(">100%</text>"))
    }
}
