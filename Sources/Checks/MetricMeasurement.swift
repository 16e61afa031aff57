import Datasets
import Foundation

/// A metric measured on predictions: the point value, its confidence interval, and the number
/// of samples it rests on (the denominator of a rate: the positives for a false-negative rate).
public struct MetricMeasurement: Sendable {
    public let value: Double
    public let interval: (lower: Double, upper: Double)?
    public let samples: Int
    /// How the interval was computed: "Wilson", "DeLong", "bootstrap" or nil.
    public let method: String?
    /// Confusion counts (binary) for reports.
    public let details: [String: Double]

    /// Measures `metric` on `predictions`, with `positive` the positive class of one-vs-rest
    /// metrics; nil when the metric is undefined on them (no positives for a recall, ...).
    public static func measure(_ metric: Spec.Metric, on predictions: DatasetPredictions, positive: Int,
                               confidence: Double, seed: UInt64 = 0) -> MetricMeasurement? {
        let labels = predictions.labels, predicted = predictions.predictedClasses, k = predictions.classes
        let probabilities = predictions.probabilities.map(Double.init)
        let isPositive = labels.map { $0 == positive }
        let score = (0..<labels.count).map { probabilities[$0 * k + positive] }
        let binary = BinaryConfusion(labels: isPositive, predictions: predicted.map { $0 == positive }, positive: true)
        let counts: [String: Double] = ["truePositives": Double(binary.truePositives), "falsePositives": Double(binary.falsePositives),
                                        "trueNegatives": Double(binary.trueNegatives), "falseNegatives": Double(binary.falseNegatives)]
        func proportion(_ p: BinaryConfusion.Proportion?) -> MetricMeasurement? {
            guard let p else { return nil }
            let w = p.wilson(confidence: confidence)
            return MetricMeasurement(value: p.value, interval: w.map { ($0.lower, $0.upper) }, samples: p.denominator,
                                     method: "Wilson", details: counts)
        }
        func bootstrapped(_ value: Double?, _ statistic: @escaping ([Double], [Bool]) -> Double?) -> MetricMeasurement? {
            guard let value else { return nil }
            let ci = Bootstrap.percentileInterval(scores: score, labels: isPositive, replicates: 1000, confidence: confidence,
                                                  seed: seed, statistic: statistic)
            return MetricMeasurement(value: value, interval: ci.map { ($0.lower, $0.upper) }, samples: labels.count,
                                     method: ci == nil ? nil : "bootstrap", details: counts)
        }
        // Binary statistics recomputed from resampled scores: the positive class wins at p > 1/2.
        func confusion(_ s: [Double], _ l: [Bool]) -> BinaryConfusion {
            BinaryConfusion(labels: l, predictions: s.map { $0 > 0.5 }, positive: true)
        }
        switch metric {
        case .accuracy:
            if k == 2 { return proportion(binary.accuracy) }
            return proportion(ConfusionMatrix(classCount: k, labels: labels, predictions: predicted).accuracy)
        case .precision: return proportion(binary.precision)
        case .recall, .sensitivity: return proportion(binary.recall)
        case .specificity: return proportion(binary.specificity)
        case .falseNegativeRate: return proportion(binary.falseNegativeRate)
        case .falsePositiveRate: return proportion(binary.falsePositiveRate)
        case .f1: return bootstrapped(binary.f1?.value) { confusion($0, $1).f1?.value }
        case .balancedAccuracy:
            if k == 2 { return bootstrapped(binary.balancedAccuracy) { confusion($0, $1).balancedAccuracy } }
            let m = ConfusionMatrix(classCount: k, labels: labels, predictions: predicted)
            return m.macroRecall.map { MetricMeasurement(value: $0, interval: nil, samples: labels.count, method: nil, details: counts) }
        case .rocAUC:
            guard let d = DeLong.estimate(scores: score, labels: isPositive, confidence: confidence) else { return nil }
            return MetricMeasurement(value: d.auc, interval: (d.lower, d.upper), samples: labels.count, method: "DeLong", details: counts)
        case .prAUC:
            return bootstrapped(PRCurve(scores: score, labels: isPositive)?.averagePrecision) { PRCurve(scores: $0, labels: $1)?.averagePrecision }
        case .expectedCalibrationError:
            let rows = (0..<labels.count).map { Array(probabilities[$0 * k..<($0 + 1) * k]) }
            guard let ece = CalibrationError(probabilities: rows, labels: labels) else { return nil }
            if k != 2 { return MetricMeasurement(value: ece.value, interval: nil, samples: labels.count, method: nil, details: counts) }
            return bootstrapped(ece.value) { s, l in
                let top = s.map { max($0, 1 - $0) }
                let correct = zip(s, l).map { ($0 > 0.5) == $1 }
                return CalibrationError(confidences: top, correct: correct)?.value
            }
        }
    }
}
