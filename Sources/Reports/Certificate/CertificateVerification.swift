/// What verifying a certificate found wrong; valid when nothing.
public struct CertificateVerification: Sendable, Equatable {
    /// One thing that makes the certificate untrustworthy for the files at hand.
    public enum Finding: Sendable, Equatable, CustomStringConvertible {
        /// The `format` is not one this version reads; nothing else was checked.
        case unknownFormat(String)
        /// The signature does not match the content: the certificate was edited, or the signature replaced.
        case signatureInvalid
        /// The file holds more or other bytes than the certificate it decodes to (a duplicated key, an
        /// unsigned field, a reformatting): what a reader sees need not be what was signed.
        case notAsWritten
        /// Validly signed, but by a key other than the one the verifier trusts.
        case signedByAnotherKey(certificateKey: String, trustedKey: String)
        /// The certificate does not say `passed`.
        case notPassed(String)
        /// A bound file's bytes are not the certified ones (for the model, possibly a different file given).
        case fileChanged(role: Certificate.BoundFile.Role, path: String, certified: String, found: String)
        /// A bound file cannot be read.
        case fileMissing(role: Certificate.BoundFile.Role, path: String, reason: String)
        /// The dataset's fingerprint, recomputed from its folder, is not the certified one.
        case datasetChanged(folder: String, certified: String, found: String)
        /// The dataset's fingerprint could not be recomputed.
        case datasetUnreadable(folder: String, reason: String)
        /// An evaluation set's fingerprint, recomputed from its folder, is not the certified one.
        case evaluationSetChanged(name: String, folder: String, certified: String, found: String)
        /// An evaluation set's fingerprint could not be recomputed.
        case evaluationSetUnreadable(name: String, reason: String)

        /// One line naming what is wrong.
        public var description: String {
            switch self {
            case .unknownFormat(let format):
                return "unknown certificate format '\(format)' (expected \(Certificate.currentFormat))"
            case .signatureInvalid:
                return "signature invalid: the certificate was edited after signing, or its signature replaced"
            case .notAsWritten:
                return "the file is not the certificate as modelcheck wrote it (a duplicated key, an unsigned field or an edit): other readers may see other values than were signed"
            case .signedByAnotherKey(let certificateKey, let trustedKey):
                return "signed by another key (\(certificateKey)), not the trusted key (\(trustedKey))"
            case .notPassed(let outcome):
                return "outcome is '\(outcome)', not 'passed'"
            case .fileChanged(.model, let path, let certified, let found):
                return "model \(path) is not the certified model (sha256 \(found), certified \(certified))"
            case .fileChanged(let role, let path, let certified, let found):
                return "\(role.rawValue) \(path) changed since certification (sha256 \(found), certified \(certified))"
            case .fileMissing(let role, let path, let reason):
                return "\(role.rawValue) \(path) is missing or unreadable: \(reason)"
            case .datasetChanged(let folder, let certified, let found):
                return "dataset \(folder) changed since certification (fingerprint \(found), certified \(certified))"
            case .datasetUnreadable(let folder, let reason):
                return "dataset \(folder) cannot be fingerprinted: \(reason)"
            case .evaluationSetChanged(let name, let folder, let certified, let found):
                return "evaluation set '\(name)' (\(folder)) changed since certification (fingerprint \(found), certified \(certified))"
            case .evaluationSetUnreadable(let name, let reason):
                return "evaluation set '\(name)' cannot be fingerprinted: \(reason)"
            }
        }
    }

    /// The certificate as read (its format known).
    public let certificate: Certificate?
    public let findings: [Finding]

    /// A verification's outcome.
    public init(certificate: Certificate?, findings: [Finding]) { (self.certificate, self.findings) = (certificate, findings) }

    /// True when nothing is wrong.
    public var isValid: Bool { findings.isEmpty }
}
