import BiT

/// Every output on a sample of real images is a finite number (no NaN, no infinity).
public struct FiniteOutputsCheck: Check, Equatable {
    public let id: String
    public let severity: CheckResult.Severity
    public let sample: Int

    /// A check over `sample` training images.
    public init(id: String = Self.name, severity: CheckResult.Severity = .required, sample: Int = 32) {
        (self.id, self.severity, self.sample) = (id, severity, sample)
    }

    public func run(_ context: CheckContext) throws -> CheckResult {
        let batch = try context.batch(.train, count: sample)
        let logits = context.model.logits(batch.images, threads: context.threads)
        let k = logits.shape[1]
        let bad = (0..<batch.labels.count).filter { i in (0..<k).contains { !logits[i * k + $0].isFinite } }
        let origin = bad.first.flatMap { context.model.firstNonFinite(batch.images.slice($0..<$0 + 1)) }
        return CheckResult(
            id: id, kind: Self.name, title: "all outputs finite", severity: severity,
            verdict: bad.isEmpty ? .pass : .fail, value: Double(bad.count), threshold: 0, comparison: .atMost,
            samples: batch.labels.count,
            message: bad.isEmpty ? "\(batch.labels.count * k) logits, all finite"
                : "\(bad.count) of \(batch.labels.count) images have a non-finite output"
                    + (origin.map { "; the first non-finite value is in the \($0)" } ?? ""),
            evidence: bad.prefix(8).map { batch.paths[$0] })
    }
}

extension FiniteOutputsCheck: CheckDefinition {
    public static let name = "finite_outputs"
    public static let phase = CheckPhase.preTrain
    public static let doc = "no NaN or infinity on real images"
    public static let keys: [CheckKey] = []

    public static func make(_ entry: Spec.Check, _ inputs: CheckBuildInputs) -> [any Check] {
        [FiniteOutputsCheck(id: entry.id, severity: entry.severity)]
    }
}
