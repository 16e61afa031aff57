import Foundation
import Datasets
import Imaging
import Yams

/// The predicted class does not change when a test image is rotated or flipped (exact pixel
/// permutations of the model's input), gated per transform on the share of unchanged images or
/// on its lower bound (Wilson, widened to a bootstrap over whole groups when the data has
/// them). Lists the images whose probabilities moved most.
public struct InvarianceCheck: Check, Equatable {
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
                minAgreement: Double, gateLowerBound: Bool, confidence: Double, worst: Int, minSamples: Int,
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
            return CheckResult(id: id, kind: Self.name, title: title, severity: severity, verdict: onEmpty, samples: 0,
                               message: "the test split is empty")
        }
        let moved = try context.predictions(.test, transform: transform)
        let k = original.classes
        let before = original.predictedClasses, after = moved.predictedClasses
        let p0 = original.probabilities, p1 = moved.probabilities
        let agrees = zip(before, after).map { $0 == $1 }
        let agree = agrees.count { $0 }
        let interval = try ProportionInterval.of(agrees, groups: context.groups(.test), confidence: confidence)
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
            id: id, kind: Self.name, title: title, severity: severity, verdict: verdict, value: value, estimate: share,
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

extension InvarianceCheck: CheckDefinition {
    public static let name = "invariance"
    public static let phase = CheckPhase.postTrain
    public static let doc = "the predicted class survives each transform (`rotate90/180/270`, `flip_horizontal/vertical`, `transpose`, "
        + "compositions like `rotate90+flip_horizontal`); Wilson interval, widened over patients (groups); worst images listed"
    static let transforms = CheckKey("transforms", type: "list of transforms", .required,
                                     doc: "each checked on its own, as invariance.<transform>") { node, reader in
        readTransforms(node, &reader).map { .list($0.map { .text($0.name) }) }
    }
    static let minAgreement = CheckKey.number("min_agreement", .required, "in (0, 1]",
                                              doc: "share of test images whose class must stay") { $0 > 0 && $0 <= 1 }
    static let bound = CheckKey.choice("bound", .defaultValue(.text(Spec.Bound.point.rawValue)),
                                       among: [Spec.Bound.point.rawValue, Spec.Bound.lower.rawValue],
                                       doc: "gate the share itself or its lower confidence bound")
    static let confidence = CheckKey.number("confidence", .defaultValue(.number(0.95)), "in (0, 1)",
                                            doc: "level of the interval") { $0 > 0 && $0 < 1 }
    static let worst = CheckKey.integer("worst", .defaultValue(.integer(8)), atLeast: 0, doc: "images listed per transform")
    static let minSamples = CheckKey.integer("min_samples", .defaultValue(.integer(30)), atLeast: 1,
                                             doc: "fewer test images give INCONCLUSIVE")
    public static let keys = [transforms, minAgreement, bound, confidence, worst, minSamples]

    /// The transforms an invariance entry names, in order.
    public static func transforms(of entry: Spec.Check) -> [Spec.Transform] {
        guard case .list(let items)? = entry.value(transforms) else { return [] }
        return items.compactMap { item in if case .text(let name) = item { Spec.Transform(parsing: name) } else { nil } }
    }

    public static func make(_ entry: Spec.Check, _ inputs: CheckBuildInputs) -> [any Check] {
        transforms(of: entry).map { transform in
            InvarianceCheck(id: "\(entry.id).\(transform.name)", severity: entry.severity, transform: transform.composed,
                            transformName: transform.name, minAgreement: entry.number(minAgreement),
                            gateLowerBound: entry.text(bound) == Spec.Bound.lower.rawValue, confidence: entry.number(confidence),
                            worst: entry.integer(worst), minSamples: entry.integer(minSamples), onEmpty: entry.onEmpty.verdict)
        }
    }

    /// Known, distinct and not the identity: a transform that changes nothing can never fail.
    private static func readTransforms(_ node: Node, _ reader: inout SpecReader) -> [Spec.Transform]? {
        guard let items = reader.list(node, "transforms", of: "transforms") else { return nil }
        guard !items.isEmpty else {
            reader.report(node, "transforms: list at least one transform")
            return nil
        }
        let names = ImageTransform.allCases.compactMap { Spec.Transform.spelling[$0] }
        var result: [Spec.Transform] = [], ok = true
        for item in items {
            guard let text = reader.string(item, "transforms") else { ok = false; continue }
            var steps: [ImageTransform] = [], known = true
            for part in text.split(separator: "+", omittingEmptySubsequences: false) {
                let word = part.trimmingCharacters(in: .whitespaces)
                if let step = Spec.Transform.step(named: word) {
                    steps.append(step)
                } else {
                    reader.report(item, "transforms: unknown transform '\(word)'" + Suggestion.hint(for: word, among: names))
                    known = false
                }
            }
            guard known else { ok = false; continue }
            let transform = Spec.Transform(steps: steps)
            if transform.composed == .identity {
                reader.report(item, "transforms: '\(text)' leaves every image as it is, so it can never fail")
                ok = false
            } else if let same = result.first(where: { $0.composed == transform.composed }) {
                reader.report(item, "transforms: '\(text)' is the same transform as '\(same.name)'")
                ok = false
            } else {
                result.append(transform)
            }
        }
        return ok ? result : nil
    }
}
