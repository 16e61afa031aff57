import Foundation
import Datasets
import Imaging

/// The predicted class does not change when a test image is rotated or flipped (exact pixel
/// permutations of the model's input), gated per transform on the share of unchanged images or
/// on its lower Wilson bound. Lists the images whose probabilities moved most.
public struct InvarianceCheck: Check {
    public let id: String
    public let severity: CheckResult.Severity
    /// The transform, and the name it has in the spec (e.g. "rotate90+flip_horizontal").
    public let transform: ImageTransform
    public let transformName: String
    public let minAgreement: Double
    /// Gate the lower confidence bound rather than the point estimate.
    public let gateLowerBound: Bool
    public let confidence: Double
    public let worst: Int
    public let minSamples: Int
    /// What an empty test split gives.
    public let onEmpty: CheckResult.Verdict

    /// A check of one transform.
    public init(id: String, severity: CheckResult.Severity = .required, transform: ImageTransform, transformName: String,
                minAgreement: Double, gateLowerBound: Bool, confidence: Double = 0.95, worst: Int = 8, minSamples: Int = 30,
                onEmpty: CheckResult.Verdict = .inconclusive) {
        (self.id, self.severity, self.transform, self.transformName) = (id, severity, transform, transformName)
        (self.minAgreement, self.gateLowerBound, self.confidence, self.worst) = (minAgreement, gateLowerBound, confidence, worst)
        (self.minSamples, self.onEmpty) = (minSamples, onEmpty)
    }

    public func run(_ context: CheckContext) throws -> CheckResult {
        let title = "prediction unchanged under \(transformName): \(gateLowerBound ? "lower \(Int(confidence * 100))% bound" : "share") ≥ \(minAgreement)"
        let original = try context.predictions(.test)
        let n = original.labels.count
        guard n > 0 else {
            return CheckResult(id: id, kind: "invariance", title: title, severity: severity, verdict: onEmpty, samples: 0,
                               message: "the test split is empty")
        }
        let moved = try context.predictions(.test, transform: transform)
        let k = original.classes
        let before = original.predictedClasses, after = moved.predictedClasses
        let p0 = original.probabilities, p1 = moved.probabilities
        let agree = zip(before, after).filter { $0 == $1 }.count
        let interval = WilsonInterval(successes: agree, trials: n, confidence: confidence)!
        let share = Double(agree) / Double(n)
        let value = gateLowerBound ? interval.lower : share
        let verdict: CheckResult.Verdict = n < minSamples ? .inconclusive : (value >= minAgreement ? .pass : .fail)

        // Worst images: largest total change of the class probabilities.
        let paths = context.paths(.test), names = context.metadata.classNames
        let change = (0..<n).map { i in (0..<k).reduce(0.0) { $0 + abs(Double(p1[i * k + $1] - p0[i * k + $1])) } / 2 }
        let evidence = (0..<n).sorted { change[$0] > change[$1] }.prefix(worst).map { i in
            "\(paths[i]): \(names[before[i]]) \(Self.percent(p0[i * k + before[i]])) → \(names[after[i]]) \(Self.percent(p1[i * k + after[i]]))"
                + (before[i] == after[i] ? "" : " (class changed)")
        }
        return CheckResult(
            id: id, kind: "invariance", title: title, severity: severity, verdict: verdict, value: value, estimate: share,
            threshold: minAgreement, comparison: .atLeast, interval: [interval.lower, interval.upper], confidence: confidence,
            samples: n,
            message: n < minSamples ? "only \(n) test images, fewer than the \(minSamples) needed to decide"
                : "\(agree) of \(n) test images keep their class under \(transformName) (\(Self.percent(Float(share))), \(Int(confidence * 100))% interval \(Self.round(interval.lower))–\(Self.round(interval.upper)))",
            details: ["changed": Double(n - agree), "meanProbabilityChange": change.reduce(0, +) / Double(n)],
            evidence: Array(evidence))
    }

    static func percent(_ p: Float) -> String { String(format: "%.1f%%", 100 * p) }
    static func round(_ x: Double) -> String { String(format: "%.3f", x) }
}
