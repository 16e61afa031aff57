import BiT

/// The model maps a batch of N images to N × (number of classes in the data) outputs.
public struct OutputShapeCheck: Check, Equatable {
    public let id: String
    public let severity: CheckResult.Severity

    /// A check with the given identity.
    public init(id: String = Self.name, severity: CheckResult.Severity = .required) { (self.id, self.severity) = (id, severity) }

    public func run(_ context: CheckContext) throws -> CheckResult {
        let batch = try context.batch(.train, count: 4)
        let shape = context.model.logits(batch.images, threads: context.threads).shape
        let expected = [batch.labels.count, context.manifest.classNames.count]
        return CheckResult(
            id: id, kind: Self.name, title: "outputs are [images, \(expected[1]) classes]", severity: severity,
            verdict: shape == expected ? .pass : .fail, samples: batch.labels.count,
            message: shape == expected ? "logits \(shape) for \(expected[0]) images of \(expected[1]) classes"
                : "logits have shape \(shape), expected \(expected) (\(context.manifest.classNames.joined(separator: ", ")))")
    }
}

extension OutputShapeCheck: CheckDefinition {
    public static let name = "output_shape"
    public static let phase = CheckPhase.preTrain
    public static let doc = "outputs are [images, classes]"
    public static let keys: [CheckKey] = []

    public static func make(_ entry: Spec.Check, _ inputs: CheckBuildInputs) -> [any Check] {
        [OutputShapeCheck(id: entry.id, severity: entry.severity)]
    }
}
