import Checks
import Crypto
import Foundation
import Testing
@testable import Reports

/// A certified run in a temp folder: model, spec, one golden file, a dataset folder and a key, with a
/// hand-built passed result over them, and the certificate issued into the same folder.
struct CertificateFixture {
    let folder: TemporaryFolder
    let key = Curve25519.Signing.PrivateKey()
    var fingerprint = String(repeating: "9c", count: 32)

    var root: URL { folder.url }
    var model: URL { root.appendingPathComponent("model.npz") }
    var spec: URL { root.appendingPathComponent("malaria.spec") }
    var golden: URL { root.appendingPathComponent("golden.json") }
    var dataset: URL { root.appendingPathComponent("data") }
    var certificate: URL { root.appendingPathComponent("certificate.json") }

    init() throws {
        folder = try TemporaryFolder()
        try Data((0..<4096).map { UInt8($0 % 251) }).write(to: model)
        try Data("modelcheck: 1\nname: malaria\n".utf8).write(to: spec)
        try Data("{\"probabilities\": [[0.9, 0.1]]}\n".utf8).write(to: golden)
        try FileManager.default.createDirectory(at: dataset, withIntermediateDirectories: false)
    }

    /// A result over the fixture's files with the given checks (all passing by default).
    func result(_ checks: [CheckResult] = [SampleResults.accuracy, SampleResults.golden]) throws -> VerificationResult {
        VerificationResult(
            modelcheckVersion: "0.1.0", spec: .init(path: spec.path, sha256: try Certificate.sha256(ofFileAt: spec)),
            model: .init(path: model.path, sha256: try Certificate.sha256(ofFileAt: model)),
            datasetFingerprint: String(repeating: "9c", count: 32),
            environment: ["blasCore": "SkylakeX", "threads": "2", "os": "Linux"], date: "2025-11-30T02:00:00Z",
            checks: checks)
    }

    @discardableResult
    func issue(replacingExisting: Bool = false) throws -> Certificate {
        try CertificateSigner.issue(
            result: result(), specName: "malaria", modelFile: model, specFile: spec, goldenFiles: [golden],
            datasetFolder: dataset, privateKey: key, to: certificate, replacingExisting: replacingExisting)
    }

    /// Verifies the certificate as if the dataset had `fingerprint` and each evaluation set the one `evaluationSets` gives.
    func verify(modelFile: URL? = nil, publicKey: Curve25519.Signing.PublicKey? = nil,
                evaluationSets: [String: String] = [:]) throws -> CertificateVerification {
        let expected = fingerprint, folder = dataset
        return try CertificateVerifier.verify(certificate, modelFile: modelFile, publicKey: publicKey ?? key.publicKey,
                                              datasetFingerprint: { _ in expected },
                                              evaluationFingerprint: { set in
                                                  guard let found = evaluationSets[set.name] else { throw CocoaError(.fileNoSuchFile) }
                                                  return (folder.appendingPathComponent(set.name), found)
                                              })
    }

    /// Rewrites the certificate's JSON as `edit` changes it, as an attacker with a text editor would.
    func editJSON(_ edit: (inout [String: Any]) -> Void) throws {
        var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: certificate)) as? [String: Any])
        edit(&object)
        try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted]).write(to: certificate)
    }
}
