/// The loss and accuracy charts of a training run, defined once for the run folder's files and the HTML report.
public enum TrainingCurveCharts {
    /// One step of the training log; any value may be missing (validation runs less often).
    public typealias Entry = (step: Int, loss: Double?, validationLoss: Double?, validationAccuracy: Double?)

    /// Training loss per step and validation loss per evaluation; a series without values is left out.
    public static func loss(_ log: [Entry]) -> LineChart {
        var chart = LineChart(title: "Loss", xLabel: "step", yLabel: "cross-entropy")
        let training = points(log, \.loss), validation = points(log, \.validationLoss)
        if !training.isEmpty { chart.add(series: .init(name: "training", points: training, color: trainingColor)) }
        if !validation.isEmpty {
            chart.add(series: .init(name: "validation", points: validation, color: validationColor, marker: .circle))
        }
        return chart
    }

    /// Validation accuracy per evaluation on a fixed 0–100% axis, so runs compare at a glance.
    public static func accuracy(_ log: [Entry]) -> LineChart {
        var chart = LineChart(title: "Validation accuracy", xLabel: "step", yLabel: "accuracy")
        chart.yRange = 0...1
        chart.yTickStyle = .percent
        let validation = points(log, \.validationAccuracy)
        if !validation.isEmpty {
            chart.add(series: .init(name: "validation", points: validation, color: validationColor, marker: .circle))
        }
        return chart
    }

    /// Whether the log holds any loss value.
    public static func hasLoss(_ log: [Entry]) -> Bool {
        log.contains { $0.loss != nil || $0.validationLoss != nil }
    }

    /// Whether the log holds any accuracy value.
    public static func hasAccuracy(_ log: [Entry]) -> Bool {
        log.contains { $0.validationAccuracy != nil }
    }

    /// Training is blue and validation orange in both charts, so a series keeps its colour across them.
    private static let trainingColor = ChartColor.blue
    private static let validationColor = ChartColor.orange

    private static func points(_ log: [Entry], _ value: (Entry) -> Double?) -> [(x: Double, y: Double)] {
        log.compactMap { entry in value(entry).map { (Double(entry.step), $0) } }
    }
}
