import BiT
import Checks
import Foundation
import Training

/// `certify`: check the set-up, train with BiT-HyperRule, then verify the trained model — one command.
public enum Certification {
    /// What certify produced.
    public struct Outcome {
        public let verification: Verification.Outcome
        /// Nil when a pre-train check failed and training never started.
        public let training: TrainingOutcome?
        public let run: RunFolder
    }

    /// Runs the pre-train checks on the model training starts from (a failure stops before any
    /// training) and hands their result to `preTrainChecked` before training starts, trains (or
    /// resumes), then runs the post-train checks on the trained model.
    public static func certify(spec: Spec, threads: Int, isCI: Bool, resume: Bool,
                               shouldStop: @escaping () -> Bool = { false },
                               preTrainChecked: (VerificationResult) -> Void = { _ in },
                               observe: (TrainingEvent) -> Void = { _ in }) throws -> Outcome {
        let started = Date()
        let job = try TrainingJob(TrainingPlan(spec: spec, threads: threads))
        // Before any training: a test split whose slices cannot be drawn would end the run INCONCLUSIVE.
        try Verification.requireSliceColumns(spec, on: Spec.EvaluationSet.testSplit, job.attributes)
        let run = RunFolder(job.plan.run)
        let env = Verification.environment(threads: job.plan.threads)
        func context(_ model: ResNetV2<Float>) -> CheckContext {
            Verification.makeContext(spec: spec, manifest: job.manifest, split: job.split, attributes: job.attributes, model: model,
                                     metadata: job.metadata,
                                     initialModel: { try job.initialModel() }, threads: job.plan.threads, isCI: isCI)
        }
        let initial = context(try job.initialModel())
        let planned = SpecChecks(spec, modelSHA256: "", environment: env)
        let pre = try SpecChecks.run(planned.preTrain, on: initial)
        let preResult = Verification.result(spec: spec, modelFile: run.model, modelHash: "", dataset: job.manifest,
                                            environment: env, checks: pre)
        preTrainChecked(preResult)
        if pre.contains(where: \.blocks) {
            return Outcome(verification: .init(result: preResult, specName: spec.name, seconds: Date().timeIntervalSince(started), context: nil),
                           training: nil, run: run)
        }
        let trained = try job.run(resume: resume, shouldStop: shouldStop, observe: observe)
        guard !trained.training.interrupted else { throw CertificationInterrupted(steps: trained.training.steps) }
        let after = context(trained.model)
        try FittedSettingsStore.store(planned.postTrain, context: after, modelFile: run.model)
        let modelHash = try Verification.sha256(of: run.model)
        let checks = SpecChecks(spec, modelSHA256: modelHash, environment: env)
        let results = pre + (try SpecChecks.run(checks.postTrain, on: after))
        var result = Verification.result(spec: spec, modelFile: run.model, modelHash: modelHash, dataset: job.manifest,
                                         environment: env, checks: results)
        try Verification.judgeEvaluationSets(spec, checks: checks, like: after, trained: Verification.trained(job.manifest, job.split),
                                             into: &result)
        return Outcome(verification: .init(result: result, specName: spec.name, seconds: Date().timeIntervalSince(started), context: after),
                       training: trained, run: run)
    }
}

/// Training was stopped (Ctrl-C) before the model could be verified.
public struct CertificationInterrupted: Error, CustomStringConvertible {
    public let steps: Int
    public var description: String { "stopped after step \(steps) before verification; continue with the same command and --resume" }
}
