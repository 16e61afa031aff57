import BiT
import Checks
import Foundation

/// Puts the threshold an `operating_point` check chooses into the model file's metadata before
/// `certify` hashes it, so that `predict` applies the threshold the gates were measured at and
/// the certificate, which binds the model's hash, binds the threshold too.
enum OperatingPointStore {
    /// Runs the operating point among `checks` on `context` and, when it chose a threshold,
    /// rewrites `modelFile` atomically with it (weights untouched).
    static func store(_ checks: [any Check], context: CheckContext, modelFile: URL) throws {
        guard let check = checks.first(where: { $0 is OperatingPointCheck }) else { return }
        // Through `SpecChecks.run`, so NaN outputs become the check's failure in the results, not an abort here.
        _ = try SpecChecks.run([check], on: context)
        guard case .threshold(let threshold, _)? = context.operatingPoint else { return }
        let (model, stored) = try BiTCheckpoint.load(modelFile)
        var metadata = stored
        metadata.threshold = threshold
        metadata.positiveClass = stored.classNames[context.positiveClass]
        try BiTCheckpoint.save(model, metadata: metadata, to: modelFile)
    }
}
