import Foundation
import Testing

/// Ctrl-C during certify's training stops after the step with a checkpoint, and exits 130 as train does.
@Suite struct CertifyInterruptTests {
    @Test func ctrlCDuringCertifyExits130WithACheckpoint() throws {
        let data = try TrainCommandTests.smallDataset()
        let dir = CLI.temporaryFolder(), run = dir.appendingPathComponent("run")
        let spec = dir.appendingPathComponent("stop.spec")
        try VerifyCommandTests.spec(data: data, run: run, checks: "  - check: no_leakage")
            .replacingOccurrences(of: "steps: 16", with: "steps: 100000")
            .write(to: spec, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = CLI.executable
        process.arguments = ["certify", spec.path, "--key", dir.appendingPathComponent("k.key").path]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let log = run.appendingPathComponent("log.jsonl")
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline, ((try? String(contentsOf: log, encoding: .utf8))?.split(separator: "\n").count ?? 0) < 4 {
            usleep(20_000)
        }
        kill(process.processIdentifier, SIGINT)
        let printed = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 130, "\(printed)")
        #expect(printed.contains("before verification; continue with the same command and --resume"), "\(printed)")
        #expect(FileManager.default.fileExists(atPath: run.appendingPathComponent("checkpoint.npz").path))
    }
}
