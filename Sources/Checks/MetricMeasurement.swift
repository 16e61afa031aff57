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
    ///
    /// With `groups` (one per prediction: the patient), the interval resamples whole groups
    /// (`Bootstrap.clusterPercentileInterval`), since a group's images are not independent;
    /// without, rates get Wilson, ROC-AUC DeLong, and the rest a stratified bootstrap.
    ///
    /// With a `threshold` (two classes), an image is predicted positive when its positive-class
    /// probability is at least the threshold, in the point value and in every resample; without,
    /// the arg-max decides.
    public static func measure(_ metric: Spec.Metric, on predictions: DatasetPredictions, positive: Int,
                               confidence: Double, seed: UInt64 = 0, groups: [String]? = nil,
                               threshold: Double? = nil) throws -> MetricMeasurement? {
        if let groups {
            return try measureByGroup(metric, on: predictions, positive: positive, confidence: confidence, seed: seed, groups: groups,
                                      threshold: threshold)
        }
        let labels = predictions.labels, k = predictions.classes
        let predicted = predictions.predictedClasses(positive: positive, threshold: threshold)
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
        // Binary statistics recomputed from resampled scores: the positive class wins at the
        // threshold, or at p > 1/2 (the arg-max of two classes).
        func confusion(_ s: [Double], _ l: [Bool]) throws -> BinaryConfusion {
            try BinaryConfusion(labels: l, predictions: s.map { score in threshold.map { score >= $0 } ?? (score > 0.5) }, positive: true)
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
        case .brierScore:
            let rows = (0..<labels.count).map { Array(probabilities[$0 * k..<($0 + 1) * k]) }
            guard let brier = try BrierScore(probabilities: rows, labels: labels) else { return nil }
            if k != 2 { return MetricMeasurement(value: brier.value, interval: nil, samples: labels.count, method: nil, details: counts) }
            return try bootstrapped(brier.value) { try BrierScore(scores: $0, labels: $1)?.value }
        }
    }

    /// Predictions with their probabilities and classes (at the threshold) worked out once, so that
    /// each of a bootstrap's replicates only counts.
    struct Decided {
        let labels: [Int], predicted: [Int], probabilities: [Float], classes: Int, positive: Int

        init(_ predictions: DatasetPredictions, positive: Int, threshold: Double?) {
            (labels, probabilities, classes, self.positive) = (predictions.labels, predictions.probabilities, predictions.classes, positive)
            predicted = predictions.predictedClasses(positive: positive, threshold: threshold)
        }
    }

    /// The metric's value and the rate's denominator on the predictions at `indices` (repeated as drawn).
    static func value(_ metric: Spec.Metric, _ decided: Decided, at indices: [Int]) throws -> (value: Double, samples: Int)? {
        let k = decided.classes, positive = decided.positive, probabilities = decided.probabilities
        let labels = indices.map { decided.labels[$0] }, predicted = indices.map { decided.predicted[$0] }
        let isPositive = labels.map { $0 == positive }
        let score = indices.map { Double(probabilities[$0 * k + positive]) }
        let binary = try BinaryConfusion(labels: isPositive, predictions: predicted.map { $0 == positive }, positive: true)
        func rate(_ p: BinaryConfusion.Proportion?) -> (Double, Int)? { p.map { ($0.value, $0.denominator) } }
        switch metric {
        case .accuracy:
            return k == 2 ? rate(binary.accuracy) : rate(try ConfusionMatrix(classCount: k, labels: labels, predictions: predicted).accuracy)
        case .precision: return rate(binary.precision)
        case .recall, .sensitivity: return rate(binary.recall)
        case .specificity: return rate(binary.specificity)
        case .falseNegativeRate: return rate(binary.falseNegativeRate)
        case .falsePositiveRate: return rate(binary.falsePositiveRate)
        case .f1: return binary.f1.map { ($0.value, labels.count) }
        case .balancedAccuracy:
            let m = k == 2 ? binary.balancedAccuracy : try ConfusionMatrix(classCount: k, labels: labels, predictions: predicted).macroRecall
            return m.map { ($0, labels.count) }
        case .rocAUC: return try ROCCurve(scores: score, labels: isPositive).map { ($0.auc, labels.count) }
        case .prAUC: return try PRCurve(scores: score, labels: isPositive).map { ($0.averagePrecision, labels.count) }
        case .expectedCalibrationError:
            let rows = indices.map { i in (0..<k).map { Double(probabilities[i * k + $0]) } }
            return try CalibrationError(probabilities: rows, labels: labels).map { ($0.value, labels.count) }
        case .brierScore:
            let rows = indices.map { i in (0..<k).map { Double(probabilities[i * k + $0]) } }
            return try BrierScore(probabilities: rows, labels: labels).map { ($0.value, labels.count) }
        }
    }

    private static func measureByGroup(_ metric: Spec.Metric, on predictions: DatasetPredictions, positive: Int,
                                       confidence: Double, seed: UInt64, groups: [String], threshold: Double?) throws -> MetricMeasurement? {
        try StatisticsError.requireSameCount(groups.count, predictions.labels.count, "one group per prediction")
        let decided = Decided(predictions, positive: positive, threshold: threshold)
        guard let (value, samples) = try value(metric, decided, at: Array(predictions.labels.indices)) else { return nil }
        let interval = try Bootstrap.clusterPercentileInterval(groupOf: groups, replicates: 1000, confidence: confidence, seed: seed) {
            try Self.value(metric, decided, at: $0)?.value
        }
        let binary = try BinaryConfusion(labels: predictions.labels.map { $0 == positive },
                                         predictions: decided.predicted.map { $0 == positive }, positive: true)
        let counts: [String: Double] = ["truePositives": Double(binary.truePositives), "falsePositives": Double(binary.falsePositives),
                                        "trueNegatives": Double(binary.trueNegatives), "falseNegatives": Double(binary.falseNegatives),
                                        "groups": Double(Set(groups).count)]
        // Never narrower than the image-level interval: where every group scores alike (a perfect
        // test split) resampling groups has nothing to vary, while Wilson still knows n is finite.
        let images = try measure(metric, on: predictions, positive: positive, confidence: confidence, seed: seed, threshold: threshold)?.interval
        let hull = interval.map { ci in
            // Every metric here lies in [0, 1]; the widening for few groups must not step outside.
            (max(0, min(ci.lower, images?.lower ?? ci.lower)), min(1, max(ci.upper, images?.upper ?? ci.upper)))
        }
        return MetricMeasurement(value: value, interval: hull, samples: samples, method: interval == nil ? nil : "group bootstrap",
                                 details: counts)
    }
}
