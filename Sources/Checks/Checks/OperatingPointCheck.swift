import Datasets
import Foundation
import Yams

/// Chooses the decision threshold on the positive class's probability from the validation split
/// (for a target sensitivity or specificity, or Youden's J) and publishes it, so that the metric
/// checks after it judge the test split at that threshold. Never on the test split: a threshold
/// fitted to the images that judge it makes the test optimistic.
public struct OperatingPointCheck: Check, Equatable {
    public let id: String
    public let severity: CheckResult.Severity
    public let target: OperatingThreshold.Target
    /// Fewer validation images of a class the target counts give INCONCLUSIVE.
    public let minSamples: Int
    public let onEmpty: CheckResult.Verdict

    /// A check choosing the threshold for `target`.
    public init(id: String, severity: CheckResult.Severity = .required, target: OperatingThreshold.Target, minSamples: Int,
                onEmpty: CheckResult.Verdict = .inconclusive) {
        (self.id, self.severity, self.target, self.minSamples, self.onEmpty) = (id, severity, target, minSamples, onEmpty)
    }

    public func run(_ context: CheckContext) throws -> CheckResult {
        let (title, goal): (String, Double?) = switch target {
        case .sensitivity(let s): ("operating point: validation sensitivity ≥ \(s)", s)
        case .specificity(let s): ("operating point: validation specificity ≥ \(s)", s)
        case .youden: ("operating point: largest validation sensitivity + specificity − 1", nil)
        }
        let names = context.metadata.classNames, positive = context.positiveClass
        func unavailable(_ verdict: CheckResult.Verdict, _ reason: String, samples: Int? = nil) -> CheckResult {
            context.operatingPoint = .unavailable(reason, setBy: id)
            return CheckResult(id: id, kind: Self.name, title: title, severity: severity, verdict: verdict, samples: samples,
                               message: reason)
        }
        guard names.count == 2 else {
            return unavailable(.fail, "a threshold on one class's probability decides between two classes; the model has \(names.count)")
        }
        let predictions = try context.predictions(.validation)
        let p = predictions.probabilities
        let scores = (0..<predictions.labels.count).map { Double(p[$0 * 2 + positive]) }
        let labels = predictions.labels.map { $0 == positive }
        guard let chosen = try OperatingThreshold(target: target, scores: scores, labels: labels) else {
            let missing = labels.contains(true) ? "\(names[1 - positive])" : "\(names[positive])"
            return unavailable(onEmpty, "the validation split has no \(missing) images to choose a threshold on", samples: labels.count)
        }
        context.operatingPoint = .threshold(chosen.threshold, setBy: id)

        let counted: [(String, Int)] = switch target {
        case .sensitivity: [(names[positive], chosen.positives)]
        case .specificity: [(names[1 - positive], chosen.negatives)]
        case .youden: [(names[positive], chosen.positives), (names[1 - positive], chosen.negatives)]
        }
        let rates = String(format: "validation sensitivity %.4f (%d of %d), specificity %.4f (%d of %d)",
                           chosen.sensitivity, chosen.truePositives, chosen.positives,
                           chosen.specificity, chosen.negatives - chosen.falsePositives, chosen.negatives)
        let chose = String(format: "threshold %.4g on the %@ probability: ", chosen.threshold, names[positive]) + rates
        let value: Double = switch target {
        case .sensitivity: chosen.sensitivity
        case .specificity: chosen.specificity
        case .youden: chosen.sensitivity + chosen.specificity - 1
        }
        var verdict = CheckResult.Verdict.pass
        var message = chose + "; the metrics after it are measured at this threshold"
        if let few = counted.first(where: { $0.1 < minSamples }) {
            verdict = .inconclusive
            message = chose + "; only \(few.1) \(few.0) validation images, fewer than the \(minSamples) needed to rely on it"
        } else if let stored = context.metadata.threshold, stored != chosen.threshold || context.metadata.positiveClass != names[positive] {
            // `predict` applies the stored threshold: gates measured at another one would not describe it.
            verdict = .fail
            // In full: the two may differ beyond the digits the message shows.
            message = chose + "; but the model file stores threshold \(stored)"
                + (context.metadata.positiveClass.map { " on the \($0) probability" } ?? "")
                + ", which `predict` would apply, not the \(chosen.threshold) chosen here"
        }
        return CheckResult(id: id, kind: Self.name, title: title, severity: severity, verdict: verdict, value: value,
                           threshold: goal, comparison: goal == nil ? nil : .atLeast, samples: labels.count, message: message,
                           details: ["threshold": chosen.threshold, "validationSensitivity": chosen.sensitivity,
                                     "validationSpecificity": chosen.specificity, "truePositives": Double(chosen.truePositives),
                                     "falsePositives": Double(chosen.falsePositives), "positives": Double(chosen.positives),
                                     "negatives": Double(chosen.negatives)])
    }
}

extension OperatingPointCheck: CheckDefinition {
    public static let name = "operating_point"
    public static let phase = CheckPhase.postTrain
    /// The threshold is chosen once, on the validation split, and kept for every set.
    public static let ownDataOnly = true
    public static let doc = "chooses the decision threshold on the positive class's probability from the validation split "
        + "(the largest meeting a `sensitivity`, the smallest meeting a `specificity`, or the best `youden`); "
        + "the `metric` checks after it are measured at it, and `certify` stores it in the model for `predict`; "
        + "comes before every `metric` check"
    /// The targets as the spec names them.
    enum TargetName: String, CaseIterable { case sensitivity, specificity, youden }
    static let target = CheckKey.choice("target", .required, among: TargetName.allCases.map(\.rawValue),
                                        doc: "the rate to reach on the validation split, or Youden's J")
    static let value = CheckKey.number("value", .optional, "in (0, 1]",
                                       doc: "the rate to reach (with sensitivity or specificity)") { $0 > 0 && $0 <= 1 }
    static let split = CheckKey("split", type: "one of validation", .defaultValue(.text(DatasetSplit.Part.validation.rawValue)),
                                doc: "where the threshold is chosen; never the test split it is judged on") { node, reader in
        guard let text = reader.string(node, "split") else { return nil }
        switch text {
        case DatasetSplit.Part.test.rawValue:
            reader.report(node, "split: a threshold chosen on the test split makes the test optimistic (the gates after it "
                + "would judge the threshold on the images it was fitted to); use validation")
        case DatasetSplit.Part.train.rawValue:
            reader.report(node, "split: the model has fitted the training split, so its scores there are overconfident; use validation")
        default:
            return reader.choice(node, "split", among: [DatasetSplit.Part.validation.rawValue]).map(CheckValue.text)
        }
        return nil
    }
    static let minSamples = CheckKey.integer("min_samples", .defaultValue(.integer(30)), atLeast: 1,
                                             doc: "fewer validation images of a class the target counts give INCONCLUSIVE")
    public static let keys = [target, value, split, minSamples]
    public static let precedes = [MetricCheck.name, name]

    /// `value` with a rate target and only then; the positive class named.
    public static func validate(_ entry: Spec.Check, _ reader: inout SpecReader) -> Bool {
        var ok = true
        if !entry.context.positiveClassGiven {
            reader.report(at: entry.position(of: target), "operating_point: needs data.positive_class, the class whose probability is thresholded")
            ok = false
        }
        guard case .text(let text)? = entry.value(target), let chosen = TargetName(rawValue: text) else { return false }
        switch (chosen, entry.valuePositions[value.name]) {
        case (.youden, .some(let position)):
            reader.report(at: position, "value: youden takes no value; it maximises sensitivity + specificity − 1")
            ok = false
        case (.sensitivity, nil), (.specificity, nil):
            reader.report(at: entry.position(of: target), "operating_point: give the \(text) to reach as 'value', e.g. value: 0.98")
            ok = false
        default: break
        }
        return ok
    }

    public static func make(_ entry: Spec.Check, _ inputs: CheckBuildInputs) -> [any Check] {
        let goal: OperatingThreshold.Target = switch TargetName(rawValue: entry.text(target)) {
        case .sensitivity?: .sensitivity(entry.number(value))
        case .specificity?: .specificity(entry.number(value))
        case .youden?: .youden
        case nil: preconditionFailure("operating_point check '\(entry.id)' was built without validation")
        }
        return [OperatingPointCheck(id: entry.id, severity: entry.severity, target: goal, minSamples: entry.integer(minSamples),
                                    onEmpty: entry.onEmpty.verdict)]
    }
}
