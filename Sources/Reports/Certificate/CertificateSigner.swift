import AtomicWrite
import Checks
import Crypto
import Foundation
import Imaging

/// Issues certificates: binds files, dataset and check results, signs them, and writes the file so that no
/// reader ever sees half a certificate and no existing one is clobbered unless asked.
public enum CertificateSigner {
    /// Why no certificate was issued.
    public enum IssueError: Error, Equatable, Sendable, CustomStringConvertible {
        /// The result is not `passed`; the ids are the required checks that failed or could not decide.
        case notPassed(outcome: String, checks: [String])
        /// The file to certify is not the one the result was computed on.
        case fileDiffersFromResult(role: Certificate.BoundFile.Role, path: String, result: String, found: String)
        /// A file to bind cannot be read.
        case unreadable(path: String, reason: String)
        /// The certificate file exists and replacing it was not asked for.
        case alreadyExists(path: String)
        /// The certificate could not be written.
        case writeFailed(path: String, reason: String)

        /// One line naming the file or the checks.
        public var description: String {
            switch self {
            case .notPassed(let outcome, let checks):
                return "no certificate: verification \(outcome) (\(checks.joined(separator: ", ")))"
            case .fileDiffersFromResult(let role, let path, let result, let found):
                return "no certificate: \(role.rawValue) \(path) has sha256 \(found), but the checks ran on \(result)"
            case .unreadable(let path, let reason):
                return "\(path): cannot read: \(reason)"
            case .alreadyExists(let path):
                return "\(path): a certificate already exists (replacing it must be asked for)"
            case .writeFailed(let path, let reason):
                return "\(path): cannot write certificate: \(reason)"
            }
        }
    }

    /// Signs a passed result over these files and writes the certificate to `url`; returns what was written.
    @discardableResult
    public static func issue(result: VerificationResult, specName: String, modelFile: URL, specFile: URL,
                             goldenFiles: [URL], modelCard: URL? = nil, metadataFiles: [URL] = [], datasetFolder: URL,
                             privateKey: Curve25519.Signing.PrivateKey,
                             to url: URL, replacingExisting: Bool = false, issued: Date = Date()) throws -> Certificate {
        guard result.outcome == .passed else {
            let undecided = result.checks.filter { $0.severity == .required && $0.verdict != .pass && $0.verdict != .skipped }
            throw IssueError.notPassed(outcome: result.outcome.rawValue, checks: undecided.map(\.id))
        }
        // Checked first so an existing certificate fails fast; link(2) below is what makes it race-free.
        if !replacingExisting && FileManager.default.fileExists(atPath: url.path) {
            throw IssueError.alreadyExists(path: url.path)
        }
        let folder = url.deletingLastPathComponent()
        func bind(_ file: URL, _ role: Certificate.BoundFile.Role) throws -> Certificate.BoundFile {
            let hash: String
            do { hash = try Certificate.sha256(ofFileAt: file) } catch {
                throw IssueError.unreadable(path: file.path, reason: error.localizedDescription)
            }
            return Certificate.BoundFile(role: role, path: relativePath(of: file, from: folder), sha256: hash)
        }
        let model = try bind(modelFile, .model)
        let spec = try bind(specFile, .spec)
        // A certificate must speak of the bytes the checks saw, not whatever is at the path by now.
        for (bound, given, claimed) in [(model, modelFile, result.model.sha256), (spec, specFile, result.spec.sha256)]
            where bound.sha256 != claimed.lowercased() {
            throw IssueError.fileDiffersFromResult(role: bound.role, path: given.path, result: claimed, found: bound.sha256)
        }
        let goldens = try goldenFiles.map { try bind($0, .golden) }
        let card = try modelCard.map { [try bind($0, .modelCard)] } ?? []
        let metadata = try metadataFiles.map { try bind($0, .metadata) }

        let timestamp = ISO8601DateFormatter()
        timestamp.timeZone = TimeZone(identifier: "UTC")
        var certificate = Certificate(
            modelcheckVersion: result.modelcheckVersion, issued: timestamp.string(from: issued), subject: specName,
            files: [model, spec] + goldens + card + metadata, datasetFingerprint: result.datasetFingerprint,
            datasetFolder: relativePath(of: datasetFolder, from: folder), environment: result.environment,
            outcome: .passed, checks: result.checks.map { check in
                var timeless = check
                timeless.seconds = nil
                return timeless
            },
            publicKey: privateKey.publicKey.rawRepresentation.base64EncodedString())
        certificate.evaluationSets = result.evaluationSets
        certificate.signature = try privateKey.signature(for: certificate.canonicalSignedBytes()).base64EncodedString()

        try place(try certificate.fileBytes(), at: url, replacingExisting: replacingExisting)
        return certificate
    }

    /// Puts the certificate in place atomically: replacing, or only where none exists yet.
    private static func place(_ data: Data, at url: URL, replacingExisting: Bool) throws {
        do {
            if replacingExisting {
                try AtomicFile.replace(url, with: data)
            } else if try !AtomicFile.create(url, with: data) {
                throw IssueError.alreadyExists(path: url.path)
            }
        } catch let e as FileWriteError {
            throw IssueError.writeFailed(path: e.file, reason: e.reason)
        }
    }

    /// `file` relative to `folder` when they share a folder below the root, else its absolute path.
    static func relativePath(of file: URL, from folder: URL) -> String {
        let target = file.absoluteURL.standardizedFileURL.resolvingSymlinksInPath().pathComponents
        let base = folder.absoluteURL.standardizedFileURL.resolvingSymlinksInPath().pathComponents
        var common = 0
        while common < min(target.count, base.count) && target[common] == base[common] { common += 1 }
        // Only "/" in common: a relative path would climb to the root, no more portable than the absolute one.
        guard common > 1 else { return file.path }
        let components = Array(repeating: "..", count: base.count - common) + target[common...]
        return components.isEmpty ? "." : components.joined(separator: "/")
    }
}
