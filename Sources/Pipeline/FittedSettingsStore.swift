import BiT
import Checks
import Collectives
import Foundation

/// Puts what post-train checks fit on the validation split into the model file's metadata before
/// `certify` hashes it: the threshold an `operating_point` check chooses, which `predict` decides
/// by, and the temperature a `calibration` check fits, which `predict` scales its probabilities
/// by. The certificate binds the model's hash, so it binds both.
enum FittedSettingsStore {
    /// Runs the operating point and the calibration checks among `checks` on `context` and, when
    /// either fitted something, rewrites `modelFile` atomically with it (weights untouched).
    /// On several ranks rank 0 writes, and every rank waits for it before it goes on to hash the file.
    static func store(_ checks: [any Check], context: CheckContext, modelFile: URL) throws {
        try fit(checks, context: context, modelFile: modelFile)
        try World.group.barrier("waiting for rank 0 to write \(modelFile.lastPathComponent)")
    }

    private static func fit(_ checks: [any Check], context: CheckContext, modelFile: URL) throws {
        let fitting = checks.filter { $0 is OperatingPointCheck || ($0 as? CalibrationCheck)?.fitTemperature == true }
        guard !fitting.isEmpty else { return }
        // Through `SpecChecks.run`, so NaN outputs become the checks' failures in the results, not an abort here.
        _ = try SpecChecks.run(fitting, on: context)
        let threshold: Double? = if case .threshold(let t, _)? = context.operatingPoint { t } else { nil }
        let temperature = fitting.contains { $0 is CalibrationCheck } ? context.temperature?.value : nil
        guard threshold != nil || temperature != nil else { return }
        let (model, stored) = try BiTCheckpoint.load(modelFile)
        var metadata = stored
        if let threshold {
            metadata.threshold = threshold
            metadata.positiveClass = stored.classNames[context.positiveClass]
        }
        if let temperature { metadata.temperature = temperature }
        guard World.group.isLeader else { return }
        try BiTCheckpoint.save(model, metadata: metadata, to: modelFile)
    }
}
