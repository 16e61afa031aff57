import BiT
import Foundation

/// The model training starts from has loss ln(classes): a zero-initialised head gives uniform
/// outputs, so any other starting loss means a head that is not zero or broken inputs.
public struct InitialLossCheck: Check, Equatable {
    public let id: String
    public let severity: CheckResult.Severity
    public let tolerance: Double
    public let sample: Int

    /// A check over `sample` training images.
    public init(id: String = Self.name, severity: CheckResult.Severity = .required, tolerance: Double, sample: Int) {
        (self.id, self.severity, self.tolerance, self.sample) = (id, severity, tolerance, sample)
    }

    public func run(_ context: CheckContext) throws -> CheckResult {
        let model = try context.initialModel()
        let batch = try context.batch(.train, count: sample)
        let logits = model.logits(batch.images, threads: context.threads)
        let loss = Double(SoftmaxCrossEntropy.forward(logits, labels: batch.labels).loss)
        let expected = log(Double(context.manifest.classNames.count))
        let pass = abs(loss - expected) <= tolerance
        return CheckResult(
            id: id, kind: Self.name, title: "initial loss is ln(\(context.manifest.classNames.count)) ± \(tolerance)", severity: severity,
            verdict: pass ? .pass : .fail, value: loss, threshold: expected, samples: batch.labels.count,
            message: String(format: "loss of the untrained model %.5f, ln(classes) = %.5f, difference %.2g", loss, expected, abs(loss - expected)))
    }
}

extension InitialLossCheck: CheckDefinition {
    public static let name = "initial_loss"
    public static let phase = CheckPhase.preTrain
    public static let doc = "the model training starts from has loss ln(classes) (zero head)"
    static let tolerance = CheckKey.number("tolerance", .defaultValue(.number(0.02)), "greater than 0",
                                           doc: "allowed |loss − ln(classes)|, in nats") { $0 > 0 }
    static let sample = CheckKey.integer("sample", .defaultValue(.integer(32)), atLeast: 1, atMost: SpecLimits.checkImages, doc: "training images looked at")
    public static let keys = [tolerance, sample]

    public static func make(_ entry: Spec.Check, _ inputs: CheckBuildInputs) -> [any Check] {
        [InitialLossCheck(id: entry.id, severity: entry.severity, tolerance: entry.number(tolerance), sample: entry.integer(sample))]
    }
}
