import Checks

/// Hand-built results: every verdict under both severities, bounds with intervals, tiny tolerances, evidence,
/// and text no XML writer may pass through raw.
enum SampleResults {
    /// Markup characters, both quotes and a C0 control, which XML 1.0 cannot carry even as a reference.
    static let hostile = "a<b & c>d \"q\" 'a' \u{1}end"

    static func result(_ checks: [CheckResult]) -> VerificationResult {
        VerificationResult(
            modelcheckVersion: "0.1.0",
            spec: .init(path: "Specs/malaria.yaml", sha256: String(repeating: "ab", count: 32)),
            model: .init(path: "runs/r14/model.npz", sha256: String(repeating: "3f", count: 32)),
            datasetFingerprint: String(repeating: "9c", count: 32),
            environment: ["blasCore": "SkylakeX", "threads": "2", "os": "Linux"],
            date: "2025-11-30T02:00:00Z",
            checks: checks)
    }

    static let accuracy = CheckResult(
        id: "accuracy", kind: "metric", title: "accuracy ≥ 0.93 (lower 95% bound)", severity: .required, verdict: .pass,
        value: 0.931, estimate: 0.962, threshold: 0.93, comparison: .atLeast, interval: [0.931, 0.980], confidence: 0.95,
        samples: 412, message: "lower 95% bound 0.931 of accuracy 0.962 is at least 0.93 on 412 images")

    static let sensitivity = CheckResult(
        id: "sensitivity", kind: "metric", title: "sensitivity ≥ 0.9 (lower 95% bound)", severity: .required,
        verdict: .fail, value: 0.871, estimate: 0.912, threshold: 0.9, comparison: .atLeast, interval: [0.871, 0.944],
        confidence: 0.95, samples: 206, message: "lower 95% bound 0.871 is below 0.9 on 206 parasitized images",
        details: ["falseNegatives": 18, "truePositives": 188],
        evidence: (1...7).map { "C\($0)_cell.png p(parasitized)=0.0\($0)" })

    static let rotate90 = CheckResult(
        id: "invariance.rotate90", kind: "invariance", title: "predictions survive a 90° rotation", severity: .required,
        verdict: .inconclusive, samples: 12, message: "only 12 images; at least 30 are needed to decide")

    static let golden = CheckResult(
        id: "golden", kind: "golden", title: "logits match the golden file", severity: .required, verdict: .pass,
        value: 3.2e-6, threshold: 1e-5, comparison: .atMost, samples: 16, message: "largest logit difference 3.2e-6")

    static let leakage = CheckResult(
        id: "leakage", kind: "leakage", title: "no patient in two splits", severity: .required, verdict: .skipped,
        message: "no group pattern in the spec")

    static let calibration = CheckResult(
        id: "calibration.ece", kind: "calibration", title: "expected calibration error ≤ 0.05", severity: .warn,
        verdict: .fail, value: 0.081, threshold: 0.05, comparison: .atMost, samples: 412,
        message: "ECE 0.081 is above 0.05", evidence: ["bin 0.9–1.0: confidence 0.97, accuracy 0.88"])

    static let latency = CheckResult(
        id: "latency", kind: "performance", title: "median latency ≤ 50 ms", severity: .warn, verdict: .pass,
        value: 12.3456, threshold: 50, comparison: .atMost, samples: 100, message: "median 12.35 ms")

    static let specificity = CheckResult(
        id: "specificity", kind: "metric", title: "specificity ≥ 0.95", severity: .warn, verdict: .inconclusive,
        samples: 3, message: "only 3 uninfected images")

    static let drift = CheckResult(
        id: "baseline.drift", kind: "baseline", title: "no drift from the baseline", severity: .warn, verdict: .skipped,
        message: "no baseline yet")

    static let hostileFailure = CheckResult(
        id: "text." + hostile, kind: "metric", title: "title " + hostile, severity: .required, verdict: .fail,
        value: 0.5, threshold: 0.75, comparison: .atLeast, samples: 8, message: "message " + hostile + "\nsecond\tline",
        evidence: ["evidence " + hostile, "line\nbreak"])

    /// Every verdict with both severities, ten checks: 2 required failures, 1 warning, 2 inconclusive, 2 skipped.
    static let everything = result([
        accuracy, sensitivity, rotate90, golden, leakage, calibration, latency, specificity, drift, hostileFailure,
    ])

    /// One required failure among passes.
    static let oneFailure = result([accuracy, sensitivity, golden])
}
