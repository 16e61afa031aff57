import Foundation
import Imaging

/// The run's loss and accuracy curves as PNGs (the tutorial's validation-loss plot, and more).
public enum TrainingCurves {
    /// Draws `loss.png` (training loss per step, validation loss per evaluation) and
    /// `accuracy.png` (validation accuracy per evaluation) into the run folder.
    public static func write(_ log: [TrainingLogEntry], to run: RunFolder) throws {
        var loss = LineChart(title: "Loss", xLabel: "step", yLabel: "cross-entropy")
        loss.add(series: .init(name: "train", points: log.compactMap { e in e.loss.map { (Double(e.step), $0) } }, color: .blue))
        loss.add(series: .init(name: "validation", points: log.compactMap { e in e.validationLoss.map { (Double(e.step), $0) } },
                               color: .orange, marker: .circle))
        try PNGEncoder.write(loss.render(width: 640, height: 400), to: run.lossPlot)

        var accuracy = LineChart(title: "Validation accuracy", xLabel: "step", yLabel: "accuracy")
        accuracy.yTickStyle = .percent
        accuracy.add(series: .init(name: "validation", points: log.compactMap { e in e.validationAccuracy.map { (Double(e.step), $0) } },
                                   color: .orange, marker: .circle))
        try PNGEncoder.write(accuracy.render(width: 640, height: 400), to: run.accuracyPlot)
    }
}
