import Checks
import Crypto
import Foundation
import Testing
@testable import Reports

@Suite struct CertificateTests {
    @Test func issuedCertificateVerifies() throws {
        let fixture = try CertificateFixture()
        let issued = try fixture.issue()
        let verification = try fixture.verify()
        #expect(verification.isValid, "\(verification.findings)")
        #expect(verification.certificate == issued)
        #expect(issued.format == "modelcheck-certificate-v1")
        #expect(issued.outcome == .passed)
        #expect(issued.subject == "malaria")
        #expect(issued.files.map(\.role) == [.model, .spec, .golden])
        #expect(issued.files.map(\.path) == ["model.npz", "malaria.spec", "golden.json"])
        #expect(issued.datasetFolder == "data")
        #expect(issued.publicKey == fixture.key.publicKey.rawRepresentation.base64EncodedString())
        #expect(try fixture.folder.contents == ["certificate.json", "data", "golden.json", "malaria.spec", "model.npz"])
    }

    @Test func signatureCoversTheCanonicalFormWithoutTheSignature() throws {
        let fixture = try CertificateFixture()
        let issued = try fixture.issue()
        let canonical = try issued.canonicalSignedBytes()
        let text = try #require(String(data: canonical, encoding: .utf8))
        #expect(!text.contains("\"signature\""))
        #expect(!text.contains("\n"))
        let signature = try #require(issued.signature.flatMap { Data(base64Encoded: $0) })
        #expect(fixture.key.publicKey.isValidSignature(signature, for: canonical))
    }

    @Test func pathsOutsideTheCertificateFolderClimbToThem() throws {
        let base = URL(fileURLWithPath: "/tmp/a/runs/r1")
        #expect(CertificateSigner.relativePath(of: URL(fileURLWithPath: "/tmp/a/Specs/m.spec"), from: base)
                == "../../Specs/m.spec")
        #expect(CertificateSigner.relativePath(of: URL(fileURLWithPath: "/etc/m.spec"), from: base) == "/etc/m.spec")
    }

    @Test func modelChangedByOneByte() throws {
        let fixture = try CertificateFixture()
        try fixture.issue()
        var bytes = try Data(contentsOf: fixture.model)
        bytes[100] ^= 1
        try bytes.write(to: fixture.model)
        let findings = try fixture.verify().findings
        #expect(findings.count == 1)
        guard case .fileChanged(.model, let path, _, _) = findings.first else { Issue.record("\(findings)"); return }
        #expect(path.hasSuffix("model.npz"))
        #expect(findings[0].description.contains("is not the certified model"))
    }

    @Test func anotherModelGivenOnTheCommandLine() throws {
        let fixture = try CertificateFixture()
        try fixture.issue()
        let other = fixture.root.appendingPathComponent("other.npz")
        try Data([1, 2, 3]).write(to: other)
        let findings = try fixture.verify(modelFile: other).findings
        guard case .fileChanged(.model, let path, _, _) = findings.first, findings.count == 1 else {
            Issue.record("\(findings)"); return
        }
        #expect(path == other.path)
        #expect(try fixture.verify(modelFile: fixture.model).isValid)
    }

    @Test func specChanged() throws {
        let fixture = try CertificateFixture()
        try fixture.issue()
        try Data("modelcheck: 1\nname: malaria-relaxed\n".utf8).write(to: fixture.spec)
        let findings = try fixture.verify().findings
        guard case .fileChanged(.spec, _, _, _) = findings.first, findings.count == 1 else { Issue.record("\(findings)"); return }
        #expect(findings[0].description.hasPrefix("spec "))
    }

    @Test func goldenChangedOrDeleted() throws {
        let fixture = try CertificateFixture()
        try fixture.issue()
        try Data("{\"probabilities\": [[0.8, 0.2]]}\n".utf8).write(to: fixture.golden)
        var findings = try fixture.verify().findings
        guard case .fileChanged(.golden, _, _, _) = findings.first, findings.count == 1 else { Issue.record("\(findings)"); return }
        try FileManager.default.removeItem(at: fixture.golden)
        findings = try fixture.verify().findings
        guard case .fileMissing(.golden, let path, _) = findings.first, findings.count == 1 else { Issue.record("\(findings)"); return }
        #expect(path.hasSuffix("golden.json"))
    }

    @Test func aDeviceAsABoundFileIsMissingNotReadForever() throws {
        // Found while fuzzing: a certificate naming /dev/zero kept verify-certificate reading it forever.
        let fixture = try CertificateFixture()
        try fixture.issue()
        try fixture.editJSON { object in
            var files = object["files"] as? [[String: Any]] ?? []
            for i in files.indices where files[i]["role"] as? String == "golden" { files[i]["path"] = "/dev/zero" }
            object["files"] = files
        }
        // On a thread of its own, so a verification that never ends fails the test instead of hanging the run.
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) let unsafeFixture = fixture
        nonisolated(unsafe) var findings: [CertificateVerification.Finding]?
        Thread.detachNewThread {
            findings = try? unsafeFixture.verify().findings
            done.signal()
        }
        guard done.wait(timeout: .now() + 20) == .success else { Issue.record("verifying did not finish in 20 s"); return }
        #expect(findings?.contains(.fileMissing(role: .golden, path: "/dev/zero", reason: "not a regular file")) == true, "\(findings ?? [])")
    }

    @Test func datasetFingerprintChanged() throws {
        var fixture = try CertificateFixture()
        try fixture.issue()
        fixture.fingerprint = String(repeating: "9d", count: 32)
        let findings = try fixture.verify().findings
        #expect(findings == [.datasetChanged(folder: fixture.dataset.path, certified: String(repeating: "9c", count: 32),
                                             found: fixture.fingerprint)])
    }

    @Test func datasetThatCannotBeFingerprinted() throws {
        struct Gone: Error {}
        let fixture = try CertificateFixture()
        try fixture.issue()
        let verification = try CertificateVerifier.verify(fixture.certificate, modelFile: nil, publicKey: nil,
                                                          datasetFingerprint: { _ in throw Gone() },
                                                          evaluationFingerprint: { _ in throw Gone() })
        guard case .datasetUnreadable = verification.findings.first, verification.findings.count == 1 else {
            Issue.record("\(verification.findings)"); return
        }
    }

    @Test func checkValueEdited() throws {
        let fixture = try CertificateFixture()
        try fixture.issue()
        try fixture.editJSON { object in
            var checks = object["checks"] as! [[String: Any]]
            checks[0]["value"] = 0.99
            object["checks"] = checks
        }
        #expect(try fixture.verify().findings == [.notAsWritten, .signatureInvalid])
    }

    @Test func reformattedIsNotTheSignedFile() throws {
        let fixture = try CertificateFixture()
        try fixture.issue()
        try fixture.editJSON { _ in }
        #expect(try fixture.verify().findings == [.notAsWritten])
    }

    /// A second value after the signed one: this decoder keeps the first (signed) value, jq and
    /// Python the last, so the signature alone would hold while other readers see the forgery.
    @Test func aDuplicatedKeyCannotForgeAValue() throws {
        let fixture = try CertificateFixture()
        try fixture.issue()
        let text = try String(contentsOf: fixture.certificate, encoding: .utf8)
        let value = try #require(text.range(of: #""value" : [-0-9.e]+,"#, options: .regularExpression), "\(text)")
        let outcome = try #require(text.range(of: #""outcome" : "passed","#), "\(text)")
        for (range, duplicate) in [(value, "\n      \"value\" : 0.999,"), (outcome, "\n  \"outcome\" : \"failed\",")] {
            var forged = text
            forged.insert(contentsOf: duplicate, at: range.upperBound)
            try forged.write(to: fixture.certificate, atomically: true, encoding: .utf8)
            let findings = try fixture.verify().findings
            #expect(findings == [.notAsWritten], "\(duplicate): \(findings)")
        }
    }

    @Test func anUnsignedExtraFieldIsRefused() throws {
        let fixture = try CertificateFixture()
        try fixture.issue()
        let text = try String(contentsOf: fixture.certificate, encoding: .utf8)
        try text.replacingOccurrences(of: "{\n", with: "{\n  \"approvedBy\" : \"qa-team\",\n", options: .anchored)
            .write(to: fixture.certificate, atomically: true, encoding: .utf8)
        #expect(try fixture.verify().findings == [.notAsWritten])
        // Without the field, the same bytes verify again.
        try text.write(to: fixture.certificate, atomically: true, encoding: .utf8)
        #expect(try fixture.verify().isValid)
    }

    @Test func outcomeEdited() throws {
        let fixture = try CertificateFixture()
        let result = try fixture.result([SampleResults.accuracy, SampleResults.sensitivity])
        // A failed run's certificate can only be forged by editing a passed one.
        #expect(result.outcome == .failed)
        try fixture.issue()
        try fixture.editJSON { $0["outcome"] = "failed" }
        #expect(try fixture.verify().findings == [.notAsWritten, .signatureInvalid, .notPassed("failed")])
    }

    @Test func signatureReplaced() throws {
        let fixture = try CertificateFixture()
        try fixture.issue()
        let forged = try fixture.key.signature(for: Data("something else".utf8)).base64EncodedString()
        try fixture.editJSON { $0["signature"] = forged }
        #expect(try fixture.verify().findings == [.notAsWritten, .signatureInvalid])
        try fixture.editJSON { $0["signature"] = nil }
        #expect(try fixture.verify().findings == [.notAsWritten, .signatureInvalid])
    }

    @Test func verifiedWithAnotherKey() throws {
        let fixture = try CertificateFixture()
        try fixture.issue()
        let other = Curve25519.Signing.PrivateKey().publicKey
        let findings = try fixture.verify(publicKey: other).findings
        #expect(findings == [.signedByAnotherKey(certificateKey: fixture.key.publicKey.rawRepresentation.base64EncodedString(),
                                                 trustedKey: other.rawRepresentation.base64EncodedString())])
    }

    @Test func editedAndResignedWithAnAttackersKey() throws {
        let fixture = try CertificateFixture()
        var certificate = try fixture.issue()
        let attacker = Curve25519.Signing.PrivateKey()
        certificate.checks[0].value = 0.99
        certificate.publicKey = attacker.publicKey.rawRepresentation.base64EncodedString()
        certificate.signature = try attacker.signature(for: certificate.canonicalSignedBytes()).base64EncodedString()
        try certificate.fileBytes().write(to: fixture.certificate)
        let findings = try fixture.verify().findings
        guard case .signedByAnotherKey = findings.first, findings.count == 1 else { Issue.record("\(findings)"); return }
    }

    @Test func unknownFormat() throws {
        let fixture = try CertificateFixture()
        try fixture.issue()
        try fixture.editJSON { $0["format"] = "modelcheck-certificate-v9" }
        #expect(try fixture.verify().findings == [.unknownFormat("modelcheck-certificate-v9")])
        try Data("not json".utf8).write(to: fixture.certificate)
        #expect(throws: CertificateVerifier.ReadError.self) { try fixture.verify() }
    }

    @Test func refusesAFailedOrInconclusiveResult() throws {
        let fixture = try CertificateFixture()
        for (checks, outcome, ids) in [([SampleResults.accuracy, SampleResults.sensitivity], "failed", ["sensitivity"]),
                                       ([SampleResults.rotate90], "inconclusive", ["invariance.rotate90"])] {
            let error = #expect(throws: CertificateSigner.IssueError.self) {
                try CertificateSigner.issue(
                    result: fixture.result(checks), specName: "malaria", modelFile: fixture.model, specFile: fixture.spec,
                    goldenFiles: [], datasetFolder: fixture.dataset, privateKey: fixture.key, to: fixture.certificate)
            }
            #expect(error == .notPassed(outcome: outcome, checks: ids))
            #expect(error?.description.contains(ids[0]) == true)
        }
        #expect(try fixture.folder.contents == ["data", "golden.json", "malaria.spec", "model.npz"])
    }

    @Test func refusesAModelOtherThanTheVerifiedOne() throws {
        let fixture = try CertificateFixture()
        let result = try fixture.result()
        try Data([0]).write(to: fixture.model)
        let error = #expect(throws: CertificateSigner.IssueError.self) {
            try CertificateSigner.issue(
                result: result, specName: "malaria", modelFile: fixture.model, specFile: fixture.spec, goldenFiles: [],
                datasetFolder: fixture.dataset, privateKey: fixture.key, to: fixture.certificate)
        }
        guard case .fileDiffersFromResult(.model, _, _, _) = error else { Issue.record("\(String(describing: error))"); return }
    }

    @Test func refusesToOverwriteUnlessAsked() throws {
        let fixture = try CertificateFixture()
        try Data("someone else's".utf8).write(to: fixture.certificate)
        let error = #expect(throws: CertificateSigner.IssueError.self) { try fixture.issue() }
        #expect(error == .alreadyExists(path: fixture.certificate.path))
        #expect(try String(contentsOf: fixture.certificate, encoding: .utf8) == "someone else's")
        try fixture.issue(replacingExisting: true)
        #expect(try fixture.verify().isValid)
        #expect(try fixture.folder.contents == ["certificate.json", "data", "golden.json", "malaria.spec", "model.npz"])
    }

    @Test func concurrentIssuersLeaveExactlyOneCertificate() async throws {
        let fixture = try CertificateFixture()
        // The key type is not Sendable here: each task rebuilds it from its bytes.
        let (result, model, spec, dataset, rawKey, target) = (try fixture.result(), fixture.model, fixture.spec,
                                                              fixture.dataset, fixture.key.rawRepresentation, fixture.certificate)
        let successes = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    guard let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: rawKey) else { return false }
                    return (try? CertificateSigner.issue(result: result, specName: "malaria", modelFile: model, specFile: spec,
                                                         goldenFiles: [], datasetFolder: dataset, privateKey: key,
                                                         to: target)) != nil
                }
            }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(successes == 1)
        #expect(try fixture.verify().isValid)
        #expect(try fixture.folder.contents == ["certificate.json", "data", "golden.json", "malaria.spec", "model.npz"])
    }
}
