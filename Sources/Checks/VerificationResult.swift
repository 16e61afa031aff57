import Datasets

/// Everything `verify` found, bound to exactly what it looked at.
public struct VerificationResult: Codable, Sendable, Equatable {
    /// How the whole run ends, and the process exit code that says so.
    public enum Outcome: String, Codable, Sendable {
        /// Every required check passed.
        case passed
        /// A required check failed.
        case failed
        /// No required check failed, but at least one could not decide.
        case inconclusive

        /// 0 passed, 1 failed, 3 inconclusive (2 is reserved for usage, spec and input errors).
        public var exitCode: Int32 {
            switch self {
            case .passed: return 0
            case .failed: return 1
            case .inconclusive: return 3
            }
        }
    }

    /// What a file was, by path and SHA-256.
    public struct FileHash: Codable, Sendable, Equatable {
        public var path: String
        public var sha256: String
        /// A file identified by its path and hash.
        public init(path: String, sha256: String) { (self.path, self.sha256) = (path, sha256) }
    }

    public var modelcheckVersion: String
    public var spec: FileHash
    public var model: FileHash
    /// The dataset manifest's fingerprint (see DatasetManifest).
    public var datasetFingerprint: String
    /// Image files the data set left out under `unreadable: skip`, each with why; the fingerprint covers them.
    public var skippedImages: [DatasetManifest.SkippedImage]
    /// e.g. ["blasCore": "SkylakeX", "threads": "2", "os": "Linux"].
    public var environment: [String: String]
    /// ISO 8601, UTC.
    public var date: String
    public var checks: [CheckResult]
    /// The spec's evaluation sets the post-train checks also ran on (their checks' ids end in `@name`).
    public var evaluationSets: [EvaluatedSet]?

    /// An evaluation set as it was judged: its name, manifest fingerprint and image count.
    public struct EvaluatedSet: Codable, Sendable, Equatable {
        public var name: String
        public var fingerprint: String
        public var images: Int

        public init(name: String, fingerprint: String, images: Int) { (self.name, self.fingerprint, self.images) = (name, fingerprint, images) }
    }

    /// A result whose outcome follows from its checks.
    public init(modelcheckVersion: String, spec: FileHash, model: FileHash, datasetFingerprint: String,
                skippedImages: [DatasetManifest.SkippedImage] = [], environment: [String: String], date: String, checks: [CheckResult]) {
        (self.modelcheckVersion, self.spec, self.model, self.datasetFingerprint) = (modelcheckVersion, spec, model, datasetFingerprint)
        self.skippedImages = skippedImages
        (self.environment, self.date, self.checks) = (environment, date, checks)
    }

    /// Failed if any required check failed; else inconclusive if any required check could not decide.
    public var outcome: Outcome {
        if checks.contains(where: \.blocks) { return .failed }
        if checks.contains(where: { $0.severity == .required && $0.verdict == .inconclusive }) { return .inconclusive }
        return .passed
    }
}
