@preconcurrency import Crypto
import Foundation
import FuzzDriver
import Reports

/// Feeds arbitrary bytes to the certificate verifier as `verify-certificate --public-key` reads a
/// certificate file, trusting a fixed key. Read errors and findings are the expected answer; a crash,
/// trap, hang or runaway allocation is a finding.
@main
enum CertificateFuzzer {
    static func main() {
        exit(fuzz_driver_run(CommandLine.argc, CommandLine.unsafeArgv, testOneInput))
    }
}

/// The corpus's signed certificate was signed by the private key whose raw bytes are 32 × 0x07,
/// so the fuzzer starts from an input whose signature holds.
private let trustedKey: Curve25519.Signing.PublicKey = {
    guard let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: Data(repeating: 7, count: 32)) else {
        fatalError("32 bytes are an Ed25519 private key")
    }
    return key.publicKey
}()

private let folder = FileManager.default.temporaryDirectory.appendingPathComponent("certificate-fuzzer-\(getpid())")
private let input = folder.appendingPathComponent("certificate.json")

@_cdecl("LLVMFuzzerTestOneInput")
func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    // Bound files resolve against the certificate's folder: an empty one, so relative paths find nothing.
    guard (try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)) != nil,
          (try? Data(UnsafeBufferPointer(start: data, count: size)).write(to: input)) != nil else {
        fatalError("cannot write the fuzz input to \(input.path)")
    }
    _ = try? CertificateVerifier.verify(input, modelFile: nil, publicKey: trustedKey,
                                        datasetFingerprint: { _ in String(repeating: "9c", count: 32) },
                                        evaluationFingerprint: { _ in (folder, String(repeating: "9c", count: 32)) })
    return 0
}
