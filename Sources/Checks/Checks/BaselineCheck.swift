import BiT
import Datasets
import Foundation

/// The candidate is not worse than a baseline model on the same test images: the metric may
/// drop by at most `maxDrop`, and a larger drop fails only when McNemar's paired test on the
/// per-image correctness says it is real (otherwise INCONCLUSIVE: too few images to tell).
public struct BaselineCheck: Check {
    public let id: String
    public let severity: CheckResult.Severity
    public let config: Spec.Check.BaselineConfig

    /// A comparison with the baseline in `config`.
    public init(id: String, severity: CheckResult.Severity = .required, config: Spec.Check.BaselineConfig) {
        (self.id, self.severity, self.config) = (id, severity, config)
    }

    public func run(_ context: CheckContext) throws -> CheckResult {
        let name = config.metric.rawValue
        let title = "\(name) not worse than baseline by more than \(config.maxDrop)"
        guard FileManager.default.fileExists(atPath: config.model.path) else {
            let verdict: CheckResult.Verdict = config.onMissing == .skip ? .skipped : .fail
            return CheckResult(id: id, kind: "baseline", title: title, severity: severity, verdict: verdict,
                               message: "no baseline model at \(config.model.path)\(verdict == .skipped ? " yet (on_missing: skip)" : "")")
        }
        let baseline = try BiTCheckpoint.load(config.model).model
        let candidate = try context.predictions(.test)
        let reference = try context.predictions(.test, model: baseline, key: "baseline")
        let positive = context.positiveClass
        guard let c = MetricMeasurement.measure(config.metric, on: candidate, positive: positive, confidence: 0.95),
              let b = MetricMeasurement.measure(config.metric, on: reference, positive: positive, confidence: 0.95) else {
            return CheckResult(id: id, kind: "baseline", title: title, severity: severity, verdict: .inconclusive,
                               samples: candidate.labels.count, message: "\(name) is undefined on this test split")
        }
        // Signed so that positive means "candidate better".
        let gain = config.metric.higherIsBetter ? c.value - b.value : b.value - c.value
        let mcnemar = McNemar(labels: candidate.labels, predictionsA: reference.predictedClasses, predictionsB: candidate.predictedClasses)
        let p = mcnemar.pValue(.aBetter)
        let verdict: CheckResult.Verdict = gain >= -config.maxDrop ? .pass : (p < config.significance ? .fail : .inconclusive)
        let message = String(format: "%@ %.4f vs baseline %.4f (%@%.4f); McNemar: %d images only the baseline got right, %d only the candidate, one-sided p = %.3g",
                             name, c.value, b.value, gain >= 0 ? "+" : "", gain, mcnemar.onlyACorrect, mcnemar.onlyBCorrect, p)
            + (verdict == .inconclusive ? "; the drop is not significant at \(config.significance) on \(candidate.labels.count) images" : "")
        return CheckResult(id: id, kind: "baseline", title: title, severity: severity, verdict: verdict, value: gain,
                           estimate: c.value, threshold: -config.maxDrop, comparison: .atLeast, samples: candidate.labels.count,
                           message: message,
                           details: ["candidate": c.value, "baseline": b.value, "mcnemarP": p,
                                     "onlyBaselineCorrect": Double(mcnemar.onlyACorrect), "onlyCandidateCorrect": Double(mcnemar.onlyBCorrect)])
    }
}
