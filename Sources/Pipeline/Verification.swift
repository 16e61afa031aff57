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

    /// A context for the model at `modelFile` on the spec's data, scanned, screened and split
    /// exactly as training did (same rule and seed), or on `evaluation` taken whole.
    public static func context(spec: Spec, modelFile: URL, threads: Int, isCI: Bool,
                               evaluation: Spec.EvaluationSet? = nil) throws -> (context: CheckContext, trainingData: PreparedDataset) {
        let (model, metadata) = try BiTCheckpoint.load(modelFile)
        let plan = try TrainingPlan(spec: spec, threads: threads)
        let training = try PreparedDataset(folder: plan.data, classes: plan.classes, groupPattern: plan.groupPattern,
                                           metadata: plan.metadata, unreadable: plan.unreadable, split: plan.split)
        if evaluation == nil { try requireSliceColumns(spec, on: Spec.EvaluationSet.testSplit, training.attributes) }
        guard metadata.classNames == training.manifest.classNames else {
            throw VerificationError(description: "\(modelFile.path) has classes \(metadata.classNames), the spec's data has \(training.manifest.classNames)")
        }
        let data = try evaluation.map { set in
            let data = try PreparedDataset(evaluating: set.folder, classes: metadata.classNames, groupPattern: set.groupPattern,
                                           metadata: set.metadata, unreadable: plan.unreadable)
            try requireSliceColumns(spec, on: set.name, data.attributes)
            return data
        } ?? training
        let context = makeContext(spec: spec, manifest: data.manifest, split: data.split, attributes: data.attributes, model: model,
                                  metadata: metadata,
                                  initialModel: { try plan.model.initialModel(classes: metadata.classNames.count, seed: plan.seed) },
                                  threads: threads, isCI: isCI,
                                  reference: evaluation == nil ? nil : ReferenceImages(trainingOf: training.manifest, training.split))
        return (context, training)
    }

    /// A context over prepared data and a model; `reference` (drift's training images) defaults to the split's own.
    static func makeContext(spec: Spec, manifest: DatasetManifest, split: DatasetSplit, attributes: ImageAttributes?, model: ResNetV2<Float>,
                            metadata: ModelMetadata, initialModel: @escaping () throws -> any TrainableClassifier, threads: Int,
                            isCI: Bool, reference: ReferenceImages? = nil) -> CheckContext {
        let evaluation = Preprocessing(resize: metadata.resolution, crop: metadata.resolution, valueRange: metadata.valueRange)
        let positive = spec.data.positiveClass.flatMap { manifest.classNames.firstIndex(of: $0) } ?? 0
        return CheckContext(model: model, metadata: metadata, initialModel: initialModel,
                            loadModel: ResNetV2<Float>.classifier(contentsOf:), manifest: manifest, split: split, preprocessing: evaluation,
                            positiveClass: positive, threads: threads, isCI: isCI, attributes: attributes, reference: reference)
    }

    /// Runs every check of `spec` on the model at `modelFile`, then its post-train checks on each
    /// of the spec's evaluation sets; with `evaluation`, only the post-train checks, on that folder
    /// instead of the test split.
    public static func verify(spec: Spec, modelFile: URL, threads: Int, isCI: Bool, evaluation: Spec.EvaluationSet? = nil) throws -> Outcome {
        let started = Date()
        let (context, training) = try context(spec: spec, modelFile: modelFile, threads: threads, isCI: isCI, evaluation: evaluation)
        let env = environment(threads: threads)
        let modelHash = try sha256(of: modelFile)
        let checks = SpecChecks(spec, modelSHA256: modelHash, environment: env)
        var result: VerificationResult
        if let evaluation {
            let results = [seenInTraining(context.manifest, trained: trained(training.manifest, training.split))]
                + (try SpecChecks.run(checks.onAnotherSet(evaluation.name), on: context))
            result = Self.result(spec: spec, modelFile: modelFile, modelHash: modelHash, dataset: context.manifest, environment: env, checks: results)
        } else {
            let results = try SpecChecks.run(checks.preTrain + checks.postTrain, on: context)
            result = Self.result(spec: spec, modelFile: modelFile, modelHash: modelHash, dataset: context.manifest, environment: env, checks: results)
            try judgeEvaluationSets(spec, checks: checks, like: context, trained: trained(training.manifest, training.split), into: &result)
        }
        return Outcome(result: result, specName: evaluation.map { "\(spec.name) on \($0.name)" } ?? spec.name,
                       seconds: Date().timeIntervalSince(started), context: context)
    }

    /// The spec's post-train checks on each of its evaluation sets, with the same model as
    /// `context`: their results join `result` with ids ending in `@name`, and each set's
    /// fingerprint is recorded.
    static func judgeEvaluationSets(_ spec: Spec, checks: SpecChecks, like context: CheckContext, trained: Set<String>,
                                    into result: inout VerificationResult) throws {
        guard !spec.evaluation.isEmpty else { return }
        var sets: [VerificationResult.EvaluatedSet] = []
        for set in spec.evaluation {
            let data = try PreparedDataset(evaluating: set.folder, classes: context.metadata.classNames, groupPattern: set.groupPattern,
                                           metadata: set.metadata, unreadable: spec.data.unreadable)
            let judged = context.judging(data.manifest, split: data.split, attributes: data.attributes)
            let results = [seenInTraining(data.manifest, trained: trained)] + (try SpecChecks.run(checks.onAnotherSet(set.name), on: judged))
            result.checks += results.map { r in
                var named = r
                named.id += "@\(set.name)"
                return named
            }
            sets.append(.init(name: set.name, fingerprint: data.manifest.fingerprint, images: data.manifest.entries.count))
        }
        result.evaluationSets = sets
    }

    /// A folder given on the command line was not checked with the spec: its metadata must hold
    /// every column the checks that run on it (the set named `set`) slice by, or they could not say
    /// what they were asked.
    static func requireSliceColumns(_ spec: Spec, on set: String, _ attributes: ImageAttributes?) throws {
        let needed = spec.checks.filter { $0.runs(on: set) }.flatMap(MetricCheck.sliceColumns)
        let missing = needed.filter { !(attributes?.columns.contains($0) ?? false) }
        guard let first = missing.first else { return }
        let why = attributes.map { "\($0.file.path) has no column '\(first)' (its columns: \($0.columns.joined(separator: ", ")))" }
            ?? "give --metadata, a CSV file with a path column and a '\(first)' column"
        throw VerificationError(description: "the spec's checks slice by \(missing.map { "'\($0)'" }.joined(separator: ", ")) on \(set): " + why)
    }

    /// The SHA-256 of every training-split image.
    static func trained(_ manifest: DatasetManifest, _ split: DatasetSplit) -> Set<String> {
        Set(split.indices(.train).map { manifest.entries[$0].sha256 })
    }

    /// An evaluation set's images that are byte for byte in the training split: the model has
    /// seen them, so every number measured on them is optimistic.
    static func seenInTraining(_ evaluation: DatasetManifest, trained: Set<String>) -> CheckResult {
        let seen = evaluation.entries.filter { trained.contains($0.sha256) }.map(\.path)
        return CheckResult(id: "no_leakage.training", kind: "no_leakage", title: "no image of this set is in the training split",
                           severity: .required, verdict: seen.isEmpty ? .pass : .fail, value: Double(seen.count), threshold: 0,
                           comparison: .atMost, samples: evaluation.entries.count,
                           message: seen.isEmpty ? "none of its \(evaluation.entries.count) images is in the training split (by SHA-256)"
                               : "\(seen.count) of its \(evaluation.entries.count) images are in the training split (same SHA-256): "
                                 + "the model has seen them, so every number on this set is optimistic",
                           evidence: Array(seen.prefix(8)))
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
