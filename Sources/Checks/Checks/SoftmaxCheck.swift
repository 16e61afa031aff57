import BiT

/// The class probabilities of every sampled image lie in [0, 1] and sum to 1 within a tolerance
/// (the malaria tutorial's pre-train check).
public struct SoftmaxCheck: Check, Equatable {
    public let id: String
    public let severity: CheckResult.Severity
    public let tolerance: Double
    public let sample: Int

    /// A check over `sample` training images.
    public init(id: String = Self.name, severity: CheckResult.Severity = .required, tolerance: Double, sample: Int) {
        (self.id, self.severity, self.tolerance, self.sample) = (id, severity, tolerance, sample)
    }

    public func run(_ context: CheckContext) throws -> CheckResult {
        let batch = try context.batch(.train, count: sample)
        let p = SoftmaxCrossEntropy.softmax(context.model.logits(batch.images, threads: context.threads))
        let k = p.shape[1], n = batch.labels.count
        var worst = 0.0, worstImage = 0
        for i in 0..<n {
            var sum = 0.0, inRange = true
            for j in 0..<k {
                let v = Double(p[i * k + j])
                sum += v
                inRange = inRange && v >= 0 && v <= 1
            }
            let error = inRange && sum.isFinite ? abs(sum - 1) : .infinity
            if !(error <= worst) { (worst, worstImage) = (error, i) }
        }
        let pass = worst <= tolerance
        return CheckResult(
            id: id, kind: Self.name, title: "probabilities sum to 1 (±\(tolerance))", severity: severity,
            verdict: pass ? .pass : .fail, value: worst, threshold: tolerance, comparison: .atMost, samples: n,
            message: pass ? "largest |Σp − 1| over \(n) images: \(worst)"
                : "image \(batch.paths[worstImage]): probabilities sum off 1 by \(worst) (or are outside [0, 1] / not finite)",
            evidence: pass ? [] : [batch.paths[worstImage]])
    }
}

extension SoftmaxCheck: CheckDefinition {
    public static let name = "softmax_sums_to_one"
    public static let phase = CheckPhase.preTrain
    public static let doc = "probabilities in [0, 1] summing to 1 (the tutorial's pre-train check)"
    static let tolerance = CheckKey.number("tolerance", .defaultValue(.number(1e-5)), "greater than 0",
                                           doc: "largest allowed |Σp − 1| of an image") { $0 > 0 }
    static let sample = CheckKey.integer("sample", .defaultValue(.integer(32)), atLeast: 1, atMost: SpecLimits.checkImages, doc: "training images looked at")
    public static let keys = [tolerance, sample]

    public static func make(_ entry: Spec.Check, _ inputs: CheckBuildInputs) -> [any Check] {
        [SoftmaxCheck(id: entry.id, severity: entry.severity, tolerance: entry.number(tolerance), sample: entry.integer(sample))]
    }
}
