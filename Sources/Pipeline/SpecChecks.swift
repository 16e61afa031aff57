import Checks
import Foundation

/// The checks a spec asks for, as runnable checks in two phases.
public struct SpecChecks {
    /// Checks of the training set-up and sanity checks, run before training in `certify`.
    public let preTrain: [any Check]
    /// Checks of the trained model on the test split.
    public let postTrain: [any Check]

    /// Builds the checks of `spec`; goldens identify the model by `modelSHA256` and the environment.
    public init(_ spec: Spec, modelSHA256: String, environment: [String: String]) {
        var pre: [any Check] = [], post: [any Check] = []
        let learningRate = spec.training?.learningRate ?? 0.05
        for c in spec.checks {
            switch c.kind {
            case .outputShape: pre.append(OutputShapeCheck(id: c.id, severity: c.severity))
            case .finiteOutputs: pre.append(FiniteOutputsCheck(id: c.id, severity: c.severity))
            case .softmaxSumsToOne(let tolerance, let sample):
                pre.append(SoftmaxCheck(id: c.id, severity: c.severity, tolerance: tolerance, sample: sample))
            case .initialLoss(let tolerance, let sample):
                pre.append(InitialLossCheck(id: c.id, severity: c.severity, tolerance: tolerance, sample: sample))
            case .deterministic(let sample): pre.append(DeterminismCheck(id: c.id, severity: c.severity, sample: sample))
            case .overfitBatch(let steps, let images):
                pre.append(OverfitBatchCheck(id: c.id, severity: c.severity, steps: steps, images: images, learningRate: learningRate))
            case .noLeakage: pre.append(LeakageCheck(id: c.id, severity: c.severity))
            case .invariance(let config):
                for transform in config.transforms {
                    post.append(InvarianceCheck(
                        id: "\(c.id).\(transform.name)", severity: c.severity, transform: transform.composed, transformName: transform.name,
                        minAgreement: config.minAgreement, gateLowerBound: config.bound == .lower, confidence: config.confidence,
                        worst: config.worst, minSamples: config.minSamples, onEmpty: c.onEmpty.verdict))
                }
            case .metric(let gate): post.append(MetricCheck(id: c.id, severity: c.severity, gate: gate, onEmpty: c.onEmpty.verdict))
            case .baseline(let config): post.append(BaselineCheck(id: c.id, severity: c.severity, config: config))
            case .golden(let config):
                post.append(GoldenCheck(id: c.id, severity: c.severity, file: config.file, tolerance: config.tolerance,
                                        images: config.images, modelSHA256: modelSHA256, environment: environment))
            }
        }
        (preTrain, postTrain) = (pre, post)
    }

    /// Runs `checks` in order on `context`.
    public static func run(_ checks: [any Check], on context: CheckContext) throws -> [CheckResult] {
        try checks.map { try $0.run(context) }
    }
}
