import Checks
import Foundation

/// `golden record`: writes the current model's outputs as the spec's golden files. Explicit and
/// refused under CI, so a pipeline can never bless its own output.
public enum GoldenRecorder {
    /// Writes every golden file of `spec` from the model at `modelFile`; returns their paths.
    public static func record(spec: Spec, modelFile: URL, threads: Int, isCI: Bool) throws -> [URL] {
        guard !isCI else { throw GoldenRefused() }
        let context = try Verification.context(spec: spec, modelFile: modelFile, threads: threads, isCI: isCI).context
        let env = Verification.environment(threads: threads)
        let hash = try Verification.sha256(of: modelFile)
        var written: [URL] = []
        for check in SpecChecks(spec, modelSHA256: hash, environment: env).postTrain {
            guard let golden = check as? GoldenCheck else { continue }
            try golden.current(context).write(to: golden.file)
            written.append(golden.file)
        }
        return written
    }
}

/// Recording was asked for under CI.
public struct GoldenRefused: Error, CustomStringConvertible {
    public var description: String { "goldens are never recorded under CI (CI, JENKINS_URL, TF_BUILD or MODELCHECK_CI=1 is set); record them locally and commit them" }
}
