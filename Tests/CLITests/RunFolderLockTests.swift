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
        let text = VerifyCommandTests.spec(data: data, run: run, checks: "  - check: no_leakage")
            .replacingOccurrences(of: "steps: 16", with: "steps: 100000")
        try text.write(to: spec, atomically: true, encoding: .utf8)

        let first = Process()
        first.executableURL = CLI.executable
        first.arguments = ["certify", spec.path, "--key", dir.appendingPathComponent("k.key").path]
        first.standardOutput = FileHandle.nullDevice
        first.standardError = FileHandle.nullDevice
        try first.run()
        defer { if first.isRunning { kill(first.processIdentifier, SIGKILL) } }
        // Training has started once the log has a line: the lock was taken before that.
        let log = run.appendingPathComponent("log.jsonl")
        let deadline = Date().addingTimeInterval(120)
        while first.isRunning, Date() < deadline, ((try? Data(contentsOf: log))?.isEmpty ?? true) { usleep(50_000) }
        try #require(first.isRunning, "the first certify ended early with \(first.terminationStatus)")

        for arguments in [["certify", spec.path], ["verify", spec.path], ["golden", "record", spec.path]] {
            let refused = try CLI.run(arguments)
            #expect(refused.status == 2, "\(arguments): \(refused.stdout)\(refused.stderr)")
            #expect(refused.stderr.contains("\(run.path) is in use by process \(first.processIdentifier) (modelcheck certify)"),
                    "\(arguments): \(refused.stderr)")
        }
        let train = try CLI.run(TrainCommandTests.arguments(data: data, run: run))
        #expect(train.status == 2 && train.stderr.contains("in use by process \(first.processIdentifier)"), "\(train.stderr)")

        // A holder killed with SIGKILL leaves no stale lock: the next run trains.
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        let after = try CLI.run(TrainCommandTests.arguments(data: data, run: run))
        #expect(after.status == 0, "\(after.stdout)\(after.stderr)")
    }
}
