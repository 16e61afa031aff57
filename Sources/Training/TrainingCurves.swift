import Charts
import Foundation
import AtomicWrite

/// The run's loss and accuracy curves as SVG files (the tutorial's validation-loss plot, and more).
public enum TrainingCurves {
    /// Writes `loss.svg` (training loss per step, validation loss per evaluation) and
    /// `accuracy.svg` (validation accuracy per evaluation) into the run folder, drawn as the HTML report draws them.
    public static func write(_ log: [TrainingLogEntry], to run: RunFolder) throws {
        let entries = log.map { ($0.step, $0.loss, $0.validationLoss, $0.validationAccuracy) }
        let loss = TrainingCurveCharts.loss(entries).render(width: 640, height: 400)
        try AtomicFile.replace(run.lossPlot, with: Data(loss.document.utf8))
        let accuracy = TrainingCurveCharts.accuracy(entries).render(width: 640, height: 400)
        try AtomicFile.replace(run.accuracyPlot, with: Data(accuracy.document.utf8))
    }
}
