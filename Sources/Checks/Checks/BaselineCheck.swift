import BiT
import Datasets
import Foundation

/// The candidate is not worse than a baseline model on the same test images: the metric may
/// drop by at most `maxDrop`, and a larger drop fails only when McNemar's paired test on the
/// per-image correctness says it is real (otherwise INCONCLUSIVE: too few images to tell).
public struct BaselineCheck: Check, Equatable {
    public let id: String
    public let severity: CheckResult.Severity
    public let config: Config

    /// A comparison with the baseline in `config`.
    public init(id: String, severity: CheckResult.Severity = .required, config: Config) {
        (self.id, self.severity, self.config) = (id, severity, config)
    }

    /// The candidate may be worse than a baseline model by at most `maxDrop`.
    public struct Config: Sendable, Equatable {
        public var model: URL
        public var metric: Spec.Metric
        /// How much worse the candidate may be, in the metric's units (≥ 0).
        public var maxDrop: Double
        /// McNemar test level, in (0, 1).
        public var significance: Double
        public var onMissing: OnMissing

        /// Settings with every value given.
        public init(model: URL, metric: Spec.Metric, maxDrop: Double, significance: Double, onMissing: OnMissing) {
            (self.model, self.metric, self.maxDrop, self.significance, self.onMissing) = (model, metric, maxDrop, significance, onMissing)
        }

        /// What to do when the baseline model file is missing (the first run has none).
        public enum OnMissing: String, Sendable, CaseIterable {
            case fail
            case skip
        }
    }

    public func run(_ context: CheckContext) throws -> CheckResult {
        let name = config.metric.rawValue
        let title = "\(name) not worse than baseline by more than \(config.maxDrop)"
        guard FileManager.default.fileExists(atPath: config.model.path) else {
            let verdict: CheckResult.Verdict = config.onMissing == .skip ? .skipped : .fail
            return CheckResult(id: id, kind: Self.name, title: title, severity: severity, verdict: verdict,
                               message: "no baseline model at \(config.model.path)\(verdict == .skipped ? " yet (on_missing: skip)" : "")")
        }
        let baseline = try context.loadModel(config.model)
        let candidate = try context.predictions(.test)
        let reference = try context.predictions(.test, model: baseline, key: "baseline")
        let positive = context.positiveClass
        guard let c = try MetricMeasurement.measure(config.metric, on: candidate, positive: positive, confidence: 0.95),
              let b = try MetricMeasurement.measure(config.metric, on: reference, positive: positive, confidence: 0.95) else {
            return CheckResult(id: id, kind: Self.name, title: title, severity: severity, verdict: .inconclusive,
                               samples: candidate.labels.count, message: "\(name) is undefined on this test split")
        }
        // Signed so that positive means "candidate better".
        let gain = config.metric.higherIsBetter ? c.value - b.value : b.value - c.value
        let mcnemar = try McNemar(labels: candidate.labels, predictionsA: reference.predictedClasses, predictionsB: candidate.predictedClasses)
        let p = mcnemar.pValue(.aBetter)
        let verdict: CheckResult.Verdict = gain >= -config.maxDrop ? .pass : (p < config.significance ? .fail : .inconclusive)
        let message = String(format: "%@ %.4f vs baseline %.4f (%@%.4f); McNemar: %d images only the baseline got right, %d only the candidate, one-sided p = %.3g",
                             name, c.value, b.value, gain >= 0 ? "+" : "", gain, mcnemar.onlyACorrect, mcnemar.onlyBCorrect, p)
            + (verdict == .inconclusive ? "; the drop is not significant at \(config.significance) on \(candidate.labels.count) images" : "")
        return CheckResult(id: id, kind: Self.name, title: title, severity: severity, verdict: verdict, value: gain,
                           estimate: c.value, threshold: -config.maxDrop, comparison: .atLeast, samples: candidate.labels.count,
                           message: message,
                           details: ["candidate": c.value, "baseline": b.value, "mcnemarP": p,
                                     "onlyBaselineCorrect": Double(mcnemar.onlyACorrect), "onlyCandidateCorrect": Double(mcnemar.onlyBCorrect)])
    }
}

extension BaselineCheck: CheckDefinition {
    public static let name = "baseline"
    public static let phase = CheckPhase.postTrain
    public static let doc = "not worse than a baseline model by more than `max_drop` on the same images; "
        + "a larger drop fails only when McNemar's paired test says it is real"
    static let model = CheckKey.path("model", .required, doc: "the baseline model (.npz)")
    static let metric = CheckKey.metric("metric", doc: "what is compared")
    static let maxDrop = CheckKey.number("max_drop", .defaultValue(.number(0)), "at least 0",
                                         doc: "how much worse the candidate may be, in the metric's units") { $0 >= 0 }
    static let significance = CheckKey.number("significance", .defaultValue(.number(0.05)), "in (0, 1)",
                                              doc: "McNemar test level for calling a drop real") { $0 > 0 && $0 < 1 }
    static let onMissing = CheckKey.choice("on_missing", .defaultValue(.text(Config.OnMissing.fail.rawValue)),
                                           among: Config.OnMissing.allCases.map(\.rawValue),
                                           doc: "a missing baseline model fails, or skips the check (the first run has none)")
    public static let keys = [model, metric, maxDrop, significance, onMissing]

    /// "baseline.<the metric>".
    public static func defaultID(_ entry: Spec.Check) -> String? {
        entry.value(metric).map { "\(name).\($0.spelling)" }
    }

    /// The metric has its positive class, and the model exists unless a missing one may skip; a
    /// model that exists must be a checkpoint modelcheck can read, said when the spec is loaded.
    public static func validate(_ entry: Spec.Check, _ reader: inout SpecReader) -> Bool {
        var ok = CheckKey.metricHasItsPositiveClass(entry, metric, &reader)
        guard case .path(let url)? = entry.value(model) else { return ok }
        if entry.value(onMissing) != .text(Config.OnMissing.skip.rawValue) {
            ok = reader.existingFile(url, at: entry.position(of: model), key: model.name,
                                     suffix: " (with 'on_missing: skip' a missing baseline skips this check)") && ok
        }
        var isFolder: ObjCBool = false
        guard reader.checkFiles, FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), !isFolder.boolValue else { return ok }
        do {
            _ = try BiTCheckpoint.load(url)
        } catch {
            reader.report(at: entry.position(of: model), "model: \(url.path) is not a baseline model modelcheck can read: \(error)")
            return false
        }
        return ok
    }

    public static func make(_ entry: Spec.Check, _ inputs: CheckBuildInputs) -> [any Check] {
        guard let measured = Spec.Metric(rawValue: entry.text(metric)),
              let missing = Config.OnMissing(rawValue: entry.text(onMissing))
        else { preconditionFailure("baseline check '\(entry.id)' was built without validation") }
        let config = Config(model: entry.path(model), metric: measured, maxDrop: entry.number(maxDrop),
                            significance: entry.number(significance), onMissing: missing)
        return [BaselineCheck(id: entry.id, severity: entry.severity, config: config)]
    }
}
