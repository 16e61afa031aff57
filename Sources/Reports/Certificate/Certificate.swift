import Checks
import Crypto
import Foundation

/// A signed statement that every check passed on exactly these files, this dataset and this environment.
///
/// The signature is Ed25519 over the certificate's canonical form: the UTF-8 JSON that `JSONEncoder` writes
/// with `.sortedKeys` and `.withoutEscapingSlashes` (compact, no pretty-printing) for this certificate with
/// the `signature` key absent. A verifier decodes the file, re-encodes it that way and checks the signature,
/// so the file on disk may be pretty-printed, and any edit to a value it carries breaks the signature.
public struct Certificate: Codable, Sendable, Equatable {
    /// The only format this version writes and reads.
    public static let currentFormat = "modelcheck-certificate-v1"

    /// A file the certificate is about, by role, path and SHA-256.
    public struct BoundFile: Codable, Sendable, Equatable {
        /// What the file is to the certified model.
        public enum Role: String, Codable, Sendable {
            case model, spec, golden
            /// The model card written from the same verification (absent from certificates before it existed).
            case modelCard = "model_card"
            /// A metadata file whose columns the slices were drawn by (absent from certificates before it existed).
            case metadata
        }

        public var role: Role
        /// As given, or relative to the certificate's folder when the file lies under a common folder with it,
        /// so a run folder can move with its certificate.
        public var path: String
        /// Lowercase hex.
        public var sha256: String

        /// A file bound by role, path and hash.
        public init(role: Role, path: String, sha256: String) { (self.role, self.path, self.sha256) = (role, path, sha256) }
    }

    public var format: String
    public var modelcheckVersion: String
    /// ISO 8601, UTC.
    public var issued: String
    /// The spec's name.
    public var subject: String
    public var files: [BoundFile]
    /// The dataset manifest's fingerprint (see DatasetManifest).
    public var datasetFingerprint: String
    /// Where the dataset was, relative to the certificate's folder like the files' paths.
    public var datasetFolder: String
    public var environment: [String: String]
    /// The spec's evaluation sets the checks also passed on, each with its fingerprint (signed
    /// like the rest); absent when the spec has none.
    public var evaluationSets: [VerificationResult.EvaluatedSet]?
    /// Always `passed`: nothing else is ever certified.
    public var outcome: VerificationResult.Outcome
    public var checks: [CheckResult]
    /// Base64 of the signer's raw 32-byte Ed25519 public key: says which key signed, not whether to trust it.
    public var publicKey: String
    /// Base64 Ed25519 signature over the canonical form; absent only while signing.
    public var signature: String?

    /// An unsigned certificate; `CertificateSigner` fills in the key and the signature.
    public init(format: String = Certificate.currentFormat, modelcheckVersion: String, issued: String, subject: String,
                files: [BoundFile], datasetFingerprint: String, datasetFolder: String, environment: [String: String],
                outcome: VerificationResult.Outcome, checks: [CheckResult], publicKey: String = "",
                signature: String? = nil) {
        (self.format, self.modelcheckVersion, self.issued, self.subject) = (format, modelcheckVersion, issued, subject)
        (self.files, self.datasetFingerprint, self.datasetFolder) = (files, datasetFingerprint, datasetFolder)
        (self.environment, self.outcome, self.checks) = (environment, outcome, checks)
        (self.publicKey, self.signature) = (publicKey, signature)
    }

    /// The certificate file's exact bytes: pretty, key-sorted JSON and a newline. The verifier
    /// accepts a file only when it is these bytes of what it decodes to, so a duplicated key, an
    /// unsigned extra field or any edit the decoder would drop cannot ride along with a valid signature.
    public func fileBytes() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(self)
        data.append(UInt8(ascii: "\n"))
        return data
    }

    /// The bytes the signature covers (see the type's documentation).
    public func canonicalSignedBytes() throws -> Data {
        var unsigned = self
        unsigned.signature = nil
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(unsigned)
    }

    /// Lowercase hex SHA-256 of a file's bytes, read in chunks so a large checkpoint is never held whole.
    /// Only a regular file (through any links) is read: a certificate may name `/dev/zero` or a pipe,
    /// which would never end.
    static func sha256(ofFileAt url: URL) throws -> String {
        let target = url.resolvingSymlinksInPath().path
        if let type = try? FileManager.default.attributesOfItem(atPath: target)[.type] as? FileAttributeType,
           type != .typeRegular {
            throw NotARegularFile()
        }
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            hasher.update(data: chunk)
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// A bound path that is a device, a pipe, a socket or a folder: nothing a certificate can be about.
    struct NotARegularFile: LocalizedError {
        var errorDescription: String? { "not a regular file" }
    }
}
