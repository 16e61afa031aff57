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
    /// metrics; nil when the metric is undefined on them (no positives for a recall, ...); throws
    /// on predictions no statistic can take (NaN scores).
    public static func measure(_ metric: Spec.Metric, on predictions: DatasetPredictions, positive: Int,
                               confidence: Double, seed: UInt64 = 0) throws -> MetricMeasurement? {
        let labels = predictions.labels, predicted = predictions.predictedClasses, k = predictions.classes
        let probabilities = predictions.probabilities.map(Double.init)
        let isPositive = labels.map { $0 == positive }
        let score = (0..<labels.count).map { probabilities[$0 * k + positive] }
        let binary = try BinaryConfusion(labels: isPositive, predictions: predicted.map { $0 == positive }, positive: true)
        let counts: [String: Double] = ["truePositives": Double(binary.truePositives), "falsePositives": Double(binary.falsePositives),
                                        "trueNegatives": Double(binary.trueNegatives), "falseNegatives": Double(binary.falseNegatives)]
        func proportion(_ p: BinaryConfusion.Proportion?) throws -> MetricMeasurement? {
            guard let p else { return nil }
            let w = try p.wilson(confidence: confidence)
            return MetricMeasurement(value: p.value, interval: w.map { ($0.lower, $0.upper) }, samples: p.denominator,
                                     method: "Wilson", details: counts)
        }
        func bootstrapped(_ value: Double?, _ statistic: @escaping ([Double], [Bool]) throws -> Double?) throws -> MetricMeasurement? {
            guard let value else { return nil }
            let ci = try Bootstrap.percentileInterval(scores: score, labels: isPositive, replicates: 1000, confidence: confidence,
                                                  seed: seed, statistic: statistic)
            return MetricMeasurement(value: value, interval: ci.map { ($0.lower, $0.upper) }, samples: labels.count,
                                     method: ci == nil ? nil : "bootstrap", details: counts)
        }
        // Binary statistics recomputed from resampled scores: the positive class wins at p > 1/2.
        func confusion(_ s: [Double], _ l: [Bool]) throws -> BinaryConfusion {
            try BinaryConfusion(labels: l, predictions: s.map { $0 > 0.5 }, positive: true)
        }
        switch metric {
        case .accuracy:
            if k == 2 { return try proportion(binary.accuracy) }
            return try proportion(try ConfusionMatrix(classCount: k, labels: labels, predictions: predicted).accuracy)
        case .precision: return try proportion(binary.precision)
        case .recall, .sensitivity: return try proportion(binary.recall)
        case .specificity: return try proportion(binary.specificity)
        case .falseNegativeRate: return try proportion(binary.falseNegativeRate)
        case .falsePositiveRate: return try proportion(binary.falsePositiveRate)
        case .f1: return try bootstrapped(binary.f1?.value) { try confusion($0, $1).f1?.value }
        case .balancedAccuracy:
            if k == 2 { return try bootstrapped(binary.balancedAccuracy) { try confusion($0, $1).balancedAccuracy } }
            let m = try ConfusionMatrix(classCount: k, labels: labels, predictions: predicted)
            return m.macroRecall.map { MetricMeasurement(value: $0, interval: nil, samples: labels.count, method: nil, details: counts) }
        case .rocAUC:
            guard let d = try DeLong.estimate(scores: score, labels: isPositive, confidence: confidence) else { return nil }
            return MetricMeasurement(value: d.auc, interval: (d.lower, d.upper), samples: labels.count, method: "DeLong", details: counts)
        case .prAUC:
            return try bootstrapped(try PRCurve(scores: score, labels: isPositive)?.averagePrecision) { try PRCurve(scores: $0, labels: $1)?.averagePrecision }
        case .expectedCalibrationError:
            let rows = (0..<labels.count).map { Array(probabilities[$0 * k..<($0 + 1) * k]) }
            guard let ece = try CalibrationError(probabilities: rows, labels: labels) else { return nil }
            if k != 2 { return MetricMeasurement(value: ece.value, interval: nil, samples: labels.count, method: nil, details: counts) }
            return try bootstrapped(ece.value) { s, l in
                let top = s.map { max($0, 1 - $0) }
                let correct = zip(s, l).map { ($0 > 0.5) == $1 }
                return try CalibrationError(confidences: top, correct: correct)?.value
            }
        }
    }
}
