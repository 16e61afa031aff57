import BiT

/// Gradients flow: the model training starts from can fit a handful of images, its loss falling
/// below half of where it started within a few SGD steps.
public struct OverfitBatchCheck: Check, Equatable {
    public let id: String
    public let severity: CheckResult.Severity
    public let steps: Int
    public let images: Int
    public let learningRate: Double

    /// A check training `steps` steps on `images` training images.
    public init(id: String = Self.name, severity: CheckResult.Severity = .required, steps: Int, images: Int, learningRate: Double) {
        (self.id, self.severity, self.steps, self.images, self.learningRate) = (id, severity, steps, images, learningRate)
    }

    public func run(_ context: CheckContext) throws -> CheckResult {
        let model = try context.initialModel()
        let batch = try context.batch(.train, count: images)
        let losses = model.fit(batch.images, labels: batch.labels, steps: steps, learningRate: learningRate, momentum: 0.9,
                               threads: context.threads)
        let start = losses[0], end = losses[losses.count - 1]
        let pass = end.isFinite && end <= 0.5 * start
        return CheckResult(
            id: id, kind: Self.name, title: "loss on \(batch.labels.count) images halves in \(steps) steps", severity: severity,
            verdict: pass ? .pass : .fail, value: end, threshold: 0.5 * start, comparison: .atMost, samples: batch.labels.count,
            message: String(format: "loss %.4f → %.4f after %d steps at learning rate %g", start, end, steps, learningRate)
                + (batch.labels.count < images ? "; the training split holds only \(batch.labels.count) of the \(images) images asked for" : ""),
            details: ["initialLoss": start, "finalLoss": end])
    }
}

extension OverfitBatchCheck: CheckDefinition {
    public static let name = "overfit_batch"
    public static let phase = CheckPhase.preTrain
    public static let doc = "a few images can be fitted: gradients flow (SGD at training.learning_rate, else \(defaultLearningRate))"
    static let steps = CheckKey.integer("steps", .defaultValue(.integer(30)), atLeast: 1, atMost: SpecLimits.checkSteps, doc: "SGD steps on the images")
    static let images = CheckKey.integer("images", .defaultValue(.integer(8)), atLeast: 1, atMost: SpecLimits.checkImages, doc: "training images to fit")
    /// The learning rate when the spec's training sets none: a handful of images needs far more than BiT's 0.003.
    static let defaultLearningRate = 0.05
    public static let keys = [steps, images]

    public static func make(_ entry: Spec.Check, _ inputs: CheckBuildInputs) -> [any Check] {
        [OverfitBatchCheck(id: entry.id, severity: entry.severity, steps: entry.integer(steps), images: entry.integer(images),
                           learningRate: entry.context.learningRate ?? defaultLearningRate)]
    }
}
