import Foundation
import Testing

/// Ctrl-C during certify's training stops after the step with a checkpoint, and exits 130 as train does.
@Suite struct CertifyInterruptTests {
    @Test func ctrlCDuringCertifyExits130WithACheckpoint() throws {
        let data = try TrainCommandTests.smallDataset()
        let dir = CLI.temporaryFolder(), run = dir.appendingPathComponent("run")
        let spec = dir.appendingPathComponent("stop.spec")
        try VerifyCommandTests.spec(data: data, run: run, checks: "  - check: no_leakage", steps: 100000)
            .write(to: spec, atomically: true, encoding: .utf8)
        let certify = try CLI.Background(["certify", spec.path, "--key", dir.appendingPathComponent("k.key").path])
        certify.waitForLog(run.appendingPathComponent("log.jsonl"), lines: 4)
        let printed = certify.stop(with: SIGINT)
        #expect(certify.process.terminationStatus == 130, "\(printed)")
        #expect(printed.contains("before verification; continue with the same command and --resume"), "\(printed)")
        #expect(FileManager.default.fileExists(atPath: run.appendingPathComponent("checkpoint.npz").path))
    }
}
