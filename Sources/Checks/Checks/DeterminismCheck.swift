import BiT

/// Inference is deterministic: the same images give bit-identical outputs twice, and an image
/// alone gives the same outputs as in a batch (GroupNorm has no batch statistics).
public struct DeterminismCheck: Check, Equatable {
    public let id: String
    public let severity: CheckResult.Severity
    public let sample: Int
    /// Allowed relative difference between an image alone and in a batch (GEMM blocking may differ).
    public let batchTolerance: Double

    /// A check over `sample` training images.
    public init(id: String = Self.name, severity: CheckResult.Severity = .required, sample: Int, batchTolerance: Double = 1e-4) {
        (self.id, self.severity, self.sample, self.batchTolerance) = (id, severity, sample, batchTolerance)
    }

    public func run(_ context: CheckContext) throws -> CheckResult {
        let batch = try context.batch(.train, count: sample)
        let first = context.model.logits(batch.images, threads: context.threads).array
        let second = context.model.logits(batch.images, threads: context.threads).array
        let repeats = first.map(\.bitPattern) == second.map(\.bitPattern)
        let k = first.count / max(batch.labels.count, 1)
        let alone = context.model.logits(batch.images.slice(0..<1), threads: context.threads).array
        let difference = zip(alone, first.prefix(k)).map { Double(abs($0 - $1)) / max(1, Double(abs($1))) }.max() ?? 0
        let pass = repeats && difference <= batchTolerance
        return CheckResult(
            id: id, kind: Self.name, title: "same input, same output", severity: severity,
            verdict: pass ? .pass : .fail, value: difference, threshold: batchTolerance, comparison: .atMost,
            samples: batch.labels.count,
            message: !repeats ? "two runs on the same \(batch.labels.count) images gave different outputs"
                : "repeated runs bit-identical; image alone vs in a batch differs by \(difference) (relative)",
            details: ["repeatsIdentical": repeats ? 1 : 0])
    }
}

extension DeterminismCheck: CheckDefinition {
    public static let name = "deterministic"
    public static let phase = CheckPhase.preTrain
    public static let doc = "same input, bit-identical output; an image alone = in a batch"
    static let sample = CheckKey.integer("sample", .defaultValue(.integer(8)), atLeast: 1, atMost: SpecLimits.checkImages, doc: "training images looked at")
    public static let keys = [sample]

    public static func make(_ entry: Spec.Check, _ inputs: CheckBuildInputs) -> [any Check] {
        [DeterminismCheck(id: entry.id, severity: entry.severity, sample: entry.integer(sample))]
    }
}
