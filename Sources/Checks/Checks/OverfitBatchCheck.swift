import BiT

/// Gradients flow: the model training starts from can fit a handful of images, its loss falling
/// below half of where it started within a few SGD steps.
public struct OverfitBatchCheck: Check {
    public let id: String
    public let severity: CheckResult.Severity
    public let steps: Int
    public let images: Int
    public let learningRate: Double

    /// A check training `steps` steps on `images` training images.
    public init(id: String = "overfit_batch", severity: CheckResult.Severity = .required, steps: Int = 30, images: Int = 8,
                learningRate: Double = 0.05) {
        (self.id, self.severity, self.steps, self.images, self.learningRate) = (id, severity, steps, images, learningRate)
    }

    public func run(_ context: CheckContext) throws -> CheckResult {
        let model = try context.initialModel()
        let batch = try context.batch(.train, count: images)
        var sgd = SGD<Float>(momentum: 0.9)
        var losses: [Double] = []
        for _ in 0..<steps {
            let (loss, grads) = model.lossAndGradients(batch.images, targets: .labels(batch.labels), threads: context.threads)
            losses.append(Double(loss))
            sgd.step(model.parameters, gradients: grads, learningRate: Float(learningRate))
        }
        losses.append(Double(model.lossAndGradients(batch.images, targets: .labels(batch.labels), threads: context.threads).loss))
        let start = losses[0], end = losses.last!
        let pass = end.isFinite && end <= 0.5 * start
        return CheckResult(
            id: id, kind: "overfit_batch", title: "loss on \(batch.labels.count) images halves in \(steps) steps", severity: severity,
            verdict: pass ? .pass : .fail, value: end, threshold: 0.5 * start, comparison: .atMost, samples: batch.labels.count,
            message: String(format: "loss %.4f → %.4f after %d steps at learning rate %g", start, end, steps, learningRate),
            details: ["initialLoss": start, "finalLoss": end])
    }
}
