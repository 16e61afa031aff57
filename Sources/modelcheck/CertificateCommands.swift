import ArgumentParser
import Checks
import Crypto
import Datasets
import Foundation
import Reports

struct KeygenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Make an Ed25519 key pair for signing certificates.",
        discussion: """
            The private key file is created with mode 0600 and never overwritten. Give the public \
            key to whoever checks certificates (`verify-certificate --public-key`). In CI, put the \
            private key's base64 line in the \(SigningKeys.environmentVariable) secret instead of a file.
            """)

    @Option(help: "Private key file.") var privateKey = SigningKeyChoice.defaultPrivate.path
    @Option(help: "Public key file.") var publicKey = SigningKeyChoice.defaultPublic.path

    func run() throws {
        let priv = URL(fileURLWithPath: privateKey), pub = URL(fileURLWithPath: publicKey)
        try FileManager.default.createDirectory(at: priv.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: pub.deletingLastPathComponent(), withIntermediateDirectories: true)
        try SigningKeys.generate(privateKeyFile: priv, publicKeyFile: pub)
        print("private key \(priv.path) (mode 0600)\npublic key  \(pub.path)")
    }
}

struct VerifyCertificateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-certificate",
        abstract: "Check a certificate's signature and that the model, spec, data and goldens it binds are unchanged.",
        discussion: """
            Exit 0 when valid; 1 naming every change found (a file whose SHA-256 differs, a missing \
            golden, a changed dataset, an edited certificate, another signer). Without \
            --public-key the certificate's own key is trusted, which only proves integrity.
            Example: modelcheck verify-certificate runs/malaria-embedded/certificate.json --public-key key.pub
            """)

    @Argument(help: "The certificate (certificate.json).") var certificate: String
    @Option(help: "The model file to check (default: the path recorded in the certificate).") var model: String?
    @Option(help: "The public key the certificate must be signed with.") var publicKey: String?

    func run() throws {
        let url = URL(fileURLWithPath: certificate)
        let key = try publicKey.map { try SigningKeys.loadPublicKey(from: URL(fileURLWithPath: $0)) }
        let verification = try CertificateVerifier.verify(url, modelFile: model.map { URL(fileURLWithPath: $0) }, publicKey: key,
                                                          datasetFingerprint: { try Self.fingerprint($0, certificate: url) },
                                                          evaluationFingerprint: { try Self.fingerprint(of: $0, certificate: url) })
        if verification.isValid {
            print("valid: \(url.path) signed \(verification.certificate?.issued ?? "?"); model, spec, goldens and data unchanged\(key == nil ? " (signer not checked: give --public-key)" : "")")
            return
        }
        for finding in verification.findings { print("INVALID: \(finding)") }
        throw ExitCode(1)
    }

    /// The data's fingerprint as the certified run computed it: the bound spec's classes, group
    /// pattern and unreadable-image policy applied to the folder.
    static func fingerprint(_ folder: URL, certificate: URL) throws -> String {
        guard let spec = try boundSpec(certificate) else { return try ImageFolder.scan(folder).fingerprint }
        return try fingerprint(folder, spec: spec, groupPattern: spec.data.split.groupPattern)
    }

    /// An evaluation set's folder, as the bound spec names it, and its fingerprint as the certified run computed it.
    static func fingerprint(of set: VerificationResult.EvaluatedSet, certificate: URL) throws -> (folder: URL, fingerprint: String) {
        guard let spec = try boundSpec(certificate) else { throw ValidationError("the certificate binds no spec that names its evaluation sets") }
        guard let named = spec.evaluation.first(where: { $0.name == set.name }) else {
            throw ValidationError("the bound spec \(spec.file.path) has no evaluation set '\(set.name)'")
        }
        return (named.folder, try fingerprint(named.folder, spec: spec, groupPattern: named.groupPattern))
    }

    /// The spec the certificate binds, read without touching the files it names; nil when it binds none.
    private static func boundSpec(_ certificate: URL) throws -> Spec? {
        let cert = try JSONDecoder().decode(Certificate.self, from: Data(contentsOf: certificate))
        guard let specPath = cert.files.first(where: { $0.role == .spec })?.path else { return nil }
        let specURL = specPath.hasPrefix("/") ? URL(fileURLWithPath: specPath)
            : certificate.absoluteURL.deletingLastPathComponent().appendingPathComponent(specPath).standardized
        return try Spec.load(contentsOf: specURL, checkFiles: false)
    }

    private static func fingerprint(_ folder: URL, spec: Spec, groupPattern: String?) throws -> String {
        let manifest = try ImageFolder.scan(folder, classes: spec.data.classes, groupPattern: try groupPattern.map { try GroupPattern($0) })
        return try spec.data.unreadable.screen(manifest).manifest.fingerprint
    }
}

/// Which key signs: a file given, the environment variable, or the default file (made on first use).
enum SigningKeyChoice {
    static var folder: URL { FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".modelcheck") }
    static var defaultPrivate: URL { folder.appendingPathComponent("signing.key") }
    static var defaultPublic: URL { folder.appendingPathComponent("signing.pub") }

    static func privateKey(file: String?) throws -> Curve25519.Signing.PrivateKey {
        if let file { return try SigningKeys.loadPrivateKey(from: URL(fileURLWithPath: file)) }
        if let key = try SigningKeys.privateKey(fromEnvironment: SigningKeys.environmentVariable) { return key }
        if !FileManager.default.fileExists(atPath: defaultPrivate.path) {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try SigningKeys.generate(privateKeyFile: defaultPrivate, publicKeyFile: defaultPublic)
            print("made a signing key pair: \(defaultPrivate.path) (private, 0600) and \(defaultPublic.path) (public)")
        }
        return try SigningKeys.loadPrivateKey(from: defaultPrivate)
    }
}
