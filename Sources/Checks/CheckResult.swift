/// The outcome of one check, with every number a report needs; checks never print.
public struct CheckResult: Codable, Sendable, Equatable {
    /// What a check concluded.
    public enum Verdict: String, Codable, Sendable, CaseIterable {
        case pass
        case fail
        /// Too few samples (or a missing input the spec allows) to decide either way.
        case inconclusive
        /// Not run, as the spec asks for this edge case (no baseline yet, say); the message says why.
        case skipped
    }

    /// Whether a failure gates the run or is only reported.
    public enum Severity: String, Codable, Sendable, CaseIterable {
        case required
        case warn
    }

    /// The direction a value must keep from its threshold.
    public enum Comparison: String, Codable, Sendable {
        case atLeast = ">="
        case atMost = "<="
    }

    /// Unique within a spec, e.g. "accuracy" or "invariance.rotate90".
    public var id: String
    /// The check's kind as the spec names it, e.g. "metric", "invariance".
    public var kind: String
    /// One line for people, e.g. "accuracy ≥ 0.93 (lower 95% bound)".
    public var title: String
    public var severity: Severity
    public var verdict: Verdict
    /// The measured value the verdict rests on (a point estimate or a bound).
    public var value: Double?
    /// The point estimate, when `value` is a confidence bound.
    public var estimate: Double?
    /// The threshold and its direction.
    public var threshold: Double?
    public var comparison: Comparison?
    /// Confidence interval of the estimate and its level (e.g. 0.95).
    public var interval: [Double]?
    public var confidence: Double?
    /// Number of samples (images) the value was measured on.
    public var samples: Int?
    /// Why, in a sentence: what was measured against what.
    public var message: String
    /// Further named numbers (per-class counts, the worst differences, timings).
    public var details: [String: Double]
    /// Evidence: the worst images, leaked patients, largest golden differences.
    public var evidence: [String]
    /// The value on each slice (patient), worst first, when the check was asked for slices.
    public var slices: SliceTable?
    /// How the decisions held up under each level of a perturbation, for robustness checks.
    public var perturbations: PerturbationTable?
    /// Wall-clock seconds the check took (predictions an earlier check made and shared count for
    /// that one); reports show it, certificates leave it out, as it says nothing of the model.
    public var seconds: Double?

    /// A result; optional fields default to absent.
    public init(id: String, kind: String, title: String, severity: Severity, verdict: Verdict, value: Double? = nil,
                estimate: Double? = nil, threshold: Double? = nil, comparison: Comparison? = nil, interval: [Double]? = nil,
                confidence: Double? = nil, samples: Int? = nil, message: String, details: [String: Double] = [:],
                evidence: [String] = []) {
        (self.id, self.kind, self.title, self.severity, self.verdict) = (id, kind, title, severity, verdict)
        (self.value, self.estimate, self.threshold, self.comparison) = (value, estimate, threshold, comparison)
        (self.interval, self.confidence, self.samples, self.message) = (interval, confidence, samples, message)
        (self.details, self.evidence) = (details, evidence)
    }

    /// True when this result should fail the run: a required check that failed.
    public var blocks: Bool { severity == .required && verdict == .fail }
}
