import Checks
import Crypto
import Foundation

/// Checks a certificate against its signature, a trusted key, and the files and dataset it binds.
public enum CertificateVerifier {
    /// Why a certificate could not be examined at all.
    public struct ReadError: Error, Equatable, Sendable, CustomStringConvertible {
        /// The certificate file.
        public let path: String
        /// What is wrong with it.
        public let reason: String

        /// One line naming the file.
        public var description: String { "\(path): cannot read certificate: \(reason)" }
    }

    /// Every finding against the certificate at `url`: its signature, its signer against `publicKey` (when
    /// given), the model (`modelFile` when given, else the bound path), spec, goldens, and the dataset's
    /// fingerprint as `datasetFingerprint` recomputes it from the folder, and each evaluation set's as
    /// `evaluationFingerprint` recomputes it (its folder and fingerprint). Relative paths resolve against the
    /// certificate's folder. Throws only when the file is unreadable or not a certificate's JSON.
    public static func verify(_ url: URL, modelFile: URL?, publicKey: Curve25519.Signing.PublicKey?,
                              datasetFingerprint: (URL) throws -> String,
                              evaluationFingerprint: (VerificationResult.EvaluatedSet) throws -> (folder: URL, fingerprint: String))
        throws -> CertificateVerification {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw ReadError(path: url.path, reason: error.localizedDescription)
        }
        // The format is read on its own first, so a future layout is named as such rather than as malformed JSON.
        struct Header: Decodable { let format: String }
        guard let header = try? JSONDecoder().decode(Header.self, from: data) else {
            throw ReadError(path: url.path, reason: "not a modelcheck certificate (no 'format' in a JSON object)")
        }
        guard header.format == Certificate.currentFormat else {
            return CertificateVerification(certificate: nil, findings: [.unknownFormat(header.format)])
        }
        let certificate: Certificate
        do { certificate = try JSONDecoder().decode(Certificate.self, from: data) } catch {
            throw ReadError(path: url.path, reason: "malformed: \(error)")
        }

        var findings: [CertificateVerification.Finding] = []
        // The signature covers what the decoder kept; only a file that is exactly those bytes shows every reader the same.
        if (try? certificate.fileBytes()) != data { findings.append(.notAsWritten) }
        if !signatureHolds(certificate) { findings.append(.signatureInvalid) }
        if let trusted = publicKey?.rawRepresentation.base64EncodedString(), trusted != certificate.publicKey {
            findings.append(.signedByAnotherKey(certificateKey: certificate.publicKey, trustedKey: trusted))
        }
        if certificate.outcome != .passed { findings.append(.notPassed(certificate.outcome.rawValue)) }

        let folder = url.deletingLastPathComponent()
        for bound in certificate.files {
            let file = bound.role == .model ? modelFile ?? resolve(bound.path, in: folder) : resolve(bound.path, in: folder)
            do {
                let found = try Certificate.sha256(ofFileAt: file)
                if found != bound.sha256 {
                    findings.append(.fileChanged(role: bound.role, path: file.path, certified: bound.sha256, found: found))
                }
            } catch {
                findings.append(.fileMissing(role: bound.role, path: file.path, reason: error.localizedDescription))
            }
        }

        let dataset = resolve(certificate.datasetFolder, in: folder)
        do {
            let found = try datasetFingerprint(dataset)
            if found != certificate.datasetFingerprint {
                findings.append(.datasetChanged(folder: dataset.path, certified: certificate.datasetFingerprint, found: found))
            }
        } catch {
            findings.append(.datasetUnreadable(folder: dataset.path, reason: "\(error)"))
        }
        for set in certificate.evaluationSets ?? [] {
            do {
                let found = try evaluationFingerprint(set)
                if found.fingerprint != set.fingerprint {
                    findings.append(.evaluationSetChanged(name: set.name, folder: found.folder.path, certified: set.fingerprint,
                                                          found: found.fingerprint))
                }
            } catch {
                findings.append(.evaluationSetUnreadable(name: set.name, reason: "\(error)"))
            }
        }
        return CertificateVerification(certificate: certificate, findings: findings)
    }

    /// Whether the certificate's own key signed exactly its canonical form; a garbled key or signature is a no.
    private static func signatureHolds(_ certificate: Certificate) -> Bool {
        guard let keyBytes = Data(base64Encoded: certificate.publicKey),
              let key = try? Curve25519.Signing.PublicKey(rawRepresentation: keyBytes),
              let signature = certificate.signature.flatMap({ Data(base64Encoded: $0) }),
              let signed = try? certificate.canonicalSignedBytes() else { return false }
        return key.isValidSignature(signature, for: signed)
    }

    private static func resolve(_ path: String, in folder: URL) -> URL {
        path.hasPrefix("/") ? URL(fileURLWithPath: path) : folder.appendingPathComponent(path).standardizedFileURL
    }
}
