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

    @Test func aRunClearsWhatAKilledWriteLeftAndSaysSo() throws {
        let data = try TrainCommandTests.smallDataset()
        let dir = CLI.temporaryFolder(), run = dir.appendingPathComponent("run"), reports = dir.appendingPathComponent("reports")
        let spec = dir.appendingPathComponent("cells.spec")
        try VerifyCommandTests.spec(data: data, run: run, checks: "  - check: no_leakage").write(to: spec, atomically: true, encoding: .utf8)
        // Hidden temporary files named as the atomic writer names them, as a kill during a write leaves them.
        func leftover(_ name: String, in folder: URL) throws -> URL {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let url = folder.appendingPathComponent(".\(name).\(UUID().uuidString).tmp")
            try Data("half written".utf8).write(to: url)
            return url
        }
        let staleCheckpoint = try leftover("checkpoint.npz", in: run)
        let mine = run.appendingPathComponent(".checkpoint.npz.mine.tmp")
        try Data("a user's file".utf8).write(to: mine)

        let trained = try CLI.run(["train", spec.path])
        #expect(trained.status == 0, "\(trained.stdout)\(trained.stderr)")
        #expect(trained.stderr.contains("removed 1 stale temporary file left in \(run.path) by an interrupted write"), "\(trained.stderr)")
        #expect(!FileManager.default.fileExists(atPath: staleCheckpoint.path))
        #expect(FileManager.default.fileExists(atPath: mine.path))

        // A report outside the run folder: only that report's own leftovers go.
        let staleJUnit = try leftover("junit.xml", in: reports)
        let anotherFiles = try leftover("other.xml", in: reports)
        let verified = try CLI.run(["verify", spec.path, "--junit", reports.appendingPathComponent("junit.xml").path])
        #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
        #expect(verified.stderr.contains("removed 1 stale temporary file left in \(reports.path) by an interrupted write"), "\(verified.stderr)")
        #expect(!FileManager.default.fileExists(atPath: staleJUnit.path))
        #expect(FileManager.default.fileExists(atPath: anotherFiles.path))
        #expect(FileManager.default.fileExists(atPath: reports.appendingPathComponent("junit.xml").path))
        #expect(!verified.stderr.contains("\(run.path) by an interrupted write"), "the run folder had nothing left to remove")

        // Golden files live outside the run folder too: recording clears each one's own leftovers only.
        let goldens = dir.appendingPathComponent("goldens")
        let goldenSpec = dir.appendingPathComponent("golden.spec")
        try VerifyCommandTests.spec(data: data, run: run, checks: "  - check: golden\n    file: \(goldens.appendingPathComponent("g.json").path)")
            .write(to: goldenSpec, atomically: true, encoding: .utf8)
        let staleGolden = try leftover("g.json", in: goldens)
        let anotherGolden = try leftover("h.json", in: goldens)
        var local = ProcessInfo.processInfo.environment
        local["MODELCHECK_CI"] = "0"
        let recorded = try CLI.run(["golden", "record", goldenSpec.path], environment: local)
        #expect(recorded.status == 0, "\(recorded.stdout)\(recorded.stderr)")
        #expect(recorded.stderr.contains("removed 1 stale temporary file left in \(goldens.path) by an interrupted write"), "\(recorded.stderr)")
        #expect(!FileManager.default.fileExists(atPath: staleGolden.path))
        #expect(FileManager.default.fileExists(atPath: anotherGolden.path))
    }
}
