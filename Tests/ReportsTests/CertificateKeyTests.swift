import Crypto
import Foundation
import Testing
import Reports

@Suite struct CertificateKeyTests {
    @Test func keyFilesRoundTrip() throws {
        let folder = try TemporaryFolder()
        let (privateFile, publicFile) = (folder.url.appendingPathComponent("signing.key"), folder.url.appendingPathComponent("signing.pub"))
        try SigningKeys.generate(privateKeyFile: privateFile, publicKeyFile: publicFile)
        let privateKey = try SigningKeys.loadPrivateKey(from: privateFile)
        let publicKey = try SigningKeys.loadPublicKey(from: publicFile)
        #expect(privateKey.publicKey.rawRepresentation == publicKey.rawRepresentation)
        let text = try String(contentsOf: privateFile, encoding: .utf8)
        #expect(text.hasPrefix("-----BEGIN MODELCHECK ED25519 PRIVATE KEY-----\n"))
        #expect(text.hasSuffix("-----END MODELCHECK ED25519 PRIVATE KEY-----\n"))
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: privateFile.path)[.posixPermissions] as? Int)
        #expect(mode == 0o600)
    }

    @Test func neverOverwritesAKeyFile() throws {
        let folder = try TemporaryFolder()
        let (privateFile, publicFile) = (folder.url.appendingPathComponent("signing.key"), folder.url.appendingPathComponent("signing.pub"))
        try SigningKeys.generate(privateKeyFile: privateFile, publicKeyFile: publicFile)
        let before = try Data(contentsOf: privateFile)
        let error = #expect(throws: SigningKeys.KeyError.self) {
            try SigningKeys.generate(privateKeyFile: privateFile, publicKeyFile: folder.url.appendingPathComponent("new.pub"))
        }
        #expect(error?.source == privateFile.path)
        #expect(try Data(contentsOf: privateFile) == before)
        #expect(try folder.contents == ["signing.key", "signing.pub"])
    }

    @Test func keyFromTheEnvironment() throws {
        let key = Curve25519.Signing.PrivateKey()
        let environment = ["MODELCHECK_SIGNING_KEY": key.rawRepresentation.base64EncodedString() + "\n"]
        #expect(try SigningKeys.privateKey(in: environment)?.rawRepresentation == key.rawRepresentation)
        #expect(try SigningKeys.privateKey(in: [:]) == nil)
        let error = #expect(throws: SigningKeys.KeyError.self) {
            try SigningKeys.privateKey(fromEnvironment: "SIGNER", in: ["SIGNER": "c2VjcmV0"])
        }
        #expect(error?.description.contains("$SIGNER") == true)
        #expect(error?.description.contains("c2VjcmV0") == false)
    }

    @Test func wrongOrGarbledKeyFilesNameTheFile() throws {
        let folder = try TemporaryFolder()
        let (privateFile, publicFile) = (folder.url.appendingPathComponent("signing.key"), folder.url.appendingPathComponent("signing.pub"))
        try SigningKeys.generate(privateKeyFile: privateFile, publicKeyFile: publicFile)
        let garbled = folder.url.appendingPathComponent("garbled.key")
        try Data("-----BEGIN MODELCHECK ED25519 PRIVATE KEY-----\nnot base64!\n-----END MODELCHECK ED25519 PRIVATE KEY-----\n".utf8)
            .write(to: garbled)
        let short = folder.url.appendingPathComponent("short.key")
        try Data("-----BEGIN MODELCHECK ED25519 PRIVATE KEY-----\nAAAA\n-----END MODELCHECK ED25519 PRIVATE KEY-----\n".utf8)
            .write(to: short)
        let junk = folder.url.appendingPathComponent("junk.key")
        try Data("hello\n".utf8).write(to: junk)
        let missing = folder.url.appendingPathComponent("missing.key")
        for (file, reason) in [(publicFile, "public key, not a private key"), (garbled, "base64"), (short, "32 bytes"),
                               (junk, "not a modelcheck"), (missing, "cannot read")] {
            let error = #expect(throws: SigningKeys.KeyError.self) { try SigningKeys.loadPrivateKey(from: file) }
            #expect(error?.source == file.path)
            #expect(error?.description.hasPrefix(file.path + ": ") == true)
            #expect(error?.reason.contains(reason) == true, "\(String(describing: error))")
        }
        let error = #expect(throws: SigningKeys.KeyError.self) { try SigningKeys.loadPublicKey(from: privateFile) }
        #expect(error?.source == privateFile.path)
        #expect(error?.reason.contains("private key, not a public key") == true)
    }
}
