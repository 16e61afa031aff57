import Foundation
import Testing

/// A run folder has one writer: a second certify, train, verify or golden record on it stops at
/// once naming the folder and the holder, and a killed holder frees it.
@Suite struct RunFolderLockTests {
    @Test func aSecondProcessOnABusyRunFolderExits2NamingTheHolder() throws {
        let data = try TrainCommandTests.smallDataset()
        let dir = CLI.temporaryFolder(), run = dir.appendingPathComponent("run")
        let spec = dir.appendingPathComponent("busy.spec")
        // Long enough that the first certify is still training while the others knock.
        let text = VerifyCommandTests.spec(data: data, run: run, checks: "  - check: no_leakage", steps: 100000)
        try text.write(to: spec, atomically: true, encoding: .utf8)

        let first = try CLI.Background(["certify", spec.path, "--key", dir.appendingPathComponent("k.key").path])
        // Training has started once the log has a line: the lock was taken before that.
        first.waitForLog(run.appendingPathComponent("log.jsonl"), lines: 1)
        try #require(first.process.isRunning, "the first certify ended early with \(first.process.terminationStatus)")

        for arguments in [["certify", spec.path], ["verify", spec.path], ["golden", "record", spec.path]] {
            let refused = try CLI.run(arguments)
            #expect(refused.status == 2, "\(arguments): \(refused.stdout)\(refused.stderr)")
            #expect(refused.stderr.contains("\(run.path) is in use by process \(first.process.processIdentifier) (modelcheck certify)"),
                    "\(arguments): \(refused.stderr)")
        }
        let train = try CLI.run(TrainCommandTests.arguments(data: data, run: run))
        #expect(train.status == 2 && train.stderr.contains("in use by process \(first.process.processIdentifier)"), "\(train.stderr)")

        // A holder killed with SIGKILL leaves no stale lock: the next run trains.
        _ = first.stop(with: SIGKILL)
        let after = try CLI.run(TrainCommandTests.arguments(data: data, run: run))
        #expect(after.status == 0, "\(after.stdout)\(after.stderr)")
    }
}
