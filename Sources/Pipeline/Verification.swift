import BiT
import Checks
import Crypto
import Datasets
import Foundation
import Training

/// `verify`: every check of a spec on a trained model, bound to the exact spec, model and data.
public enum Verification {
    /// What a verification produced and where the model came from.
    public struct Outcome {
        public let result: VerificationResult
        public let specName: String
        public let seconds: Double
        /// What the post-train checks looked at (for the HTML report); nil when they never ran.
        public let context: CheckContext?
    }

    /// The environment recorded with results and goldens.
    public static func environment(threads: Int) -> [String: String] {
        ["blasCore": BLASRuntime.coreName, "threads": String(threads), "os": "Linux"]
    }

    /// SHA-256 of a file, hex.
    public static func sha256(of url: URL) throws -> String {
        let data = try Data(contentsOf: url, options: .alwaysMapped)
        return SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }

    /// A context for the spec's data and the model at `modelFile`: data scanned, screened and
    /// split exactly as training did (same rule and seed).
    public static func context(spec: Spec, modelFile: URL, threads: Int, isCI: Bool) throws -> CheckContext {
        let (model, metadata) = try BiTCheckpoint.load(modelFile)
        let job = try TrainingJob(TrainingPlan(spec: spec, threads: threads))
        guard metadata.classNames == job.manifest.classNames else {
            throw VerificationError(description: "\(modelFile.path) has classes \(metadata.classNames), the spec's data has \(job.manifest.classNames)")
        }
        return makeContext(spec: spec, job: job, model: model, metadata: metadata, threads: threads, isCI: isCI)
    }

    /// A context over a prepared training job's data.
    static func makeContext(spec: Spec, job: TrainingJob, model: ResNetV2<Float>, metadata: ModelMetadata, threads: Int, isCI: Bool) -> CheckContext {
        let evaluation = Preprocessing(resize: metadata.resolution, crop: metadata.resolution, valueRange: metadata.valueRange)
        let positive = spec.data.positiveClass.flatMap { job.manifest.classNames.firstIndex(of: $0) } ?? 0
        return CheckContext(model: model, metadata: metadata, initialModel: { try job.initialModel() },
                            loadModel: ResNetV2<Float>.classifier(contentsOf:), manifest: job.manifest, split: job.split, preprocessing: evaluation, positiveClass: positive,
                            threads: threads, isCI: isCI)
    }

    /// Runs every check of `spec` on the model at `modelFile`.
    public static func verify(spec: Spec, modelFile: URL, threads: Int, isCI: Bool) throws -> Outcome {
        let started = Date()
        let context = try context(spec: spec, modelFile: modelFile, threads: threads, isCI: isCI)
        let env = environment(threads: threads)
        let modelHash = try sha256(of: modelFile)
        let checks = SpecChecks(spec, modelSHA256: modelHash, environment: env)
        let results = try SpecChecks.run(checks.preTrain + checks.postTrain, on: context)
        return Outcome(result: result(spec: spec, modelFile: modelFile, modelHash: modelHash, dataset: context.manifest,
                                      environment: env, checks: results),
                       specName: spec.name, seconds: Date().timeIntervalSince(started), context: context)
    }

    static func result(spec: Spec, modelFile: URL, modelHash: String, dataset: DatasetManifest, environment: [String: String],
                       checks: [CheckResult]) -> VerificationResult {
        VerificationResult(modelcheckVersion: ModelcheckVersion.current,
                           spec: .init(path: spec.file.path, sha256: spec.sha256), model: .init(path: modelFile.path, sha256: modelHash),
                           datasetFingerprint: dataset.fingerprint, skippedImages: dataset.skipped, environment: environment,
                           date: ISO8601DateFormatter().string(from: Date()), checks: checks)
    }
}

/// The model and the spec's data do not fit together.
public struct VerificationError: Error, CustomStringConvertible {
    public let description: String
}
