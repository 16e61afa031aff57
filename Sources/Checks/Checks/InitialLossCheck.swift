import BiT
import Foundation

/// The model training starts from has loss ln(classes): a zero-initialised head gives uniform
/// outputs, so any other starting loss means a head that is not zero or broken inputs.
public struct InitialLossCheck: Check {
    public let id: String
    public let severity: CheckResult.Severity
    public let tolerance: Double
    public let sample: Int

    /// A check over `sample` training images.
    public init(id: String = "initial_loss", severity: CheckResult.Severity = .required, tolerance: Double = 0.02, sample: Int = 32) {
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
            id: id, kind: "initial_loss", title: "initial loss is ln(\(context.manifest.classNames.count)) ± \(tolerance)", severity: severity,
            verdict: pass ? .pass : .fail, value: loss, threshold: expected, samples: batch.labels.count,
            message: String(format: "loss of the untrained model %.5f, ln(classes) = %.5f, difference %.2g", loss, expected, abs(loss - expected)))
    }
}
