import Foundation
import Testing
import Training

/// Taking a run folder clears what writes killed mid-way left in it, and only that.
@Suite struct RunFolderLockTests {
    static func names(in folder: URL) throws -> Set<String> {
        Set(try FileManager.default.contentsOfDirectory(atPath: folder.path))
    }

    @Test func takingARunFolderRemovesItsStaleTemporaryFilesOnly() throws {
        let run = TrainerTests.temporaryRun()
        try FileManager.default.createDirectory(at: run, withIntermediateDirectories: true)
        // The name AtomicFileWriter gives a checkpoint while writing it; a kill leaves it behind.
        let stale = ".checkpoint.npz.\(UUID().uuidString).tmp"
        let kept = ["checkpoint.npz", ".checkpoint.npz.mine.tmp", "notes.\(UUID().uuidString).tmp"]
        for name in [stale] + kept { try Data("bytes".utf8).write(to: run.appendingPathComponent(name)) }

        let lock = try RunFolderLock.acquire(run, purpose: "test")
        #expect(lock.removedTemporaryFiles == [stale])
        #expect(try Self.names(in: run) == Set(kept))
    }

    @Test func aRefusedRunTouchesNothing() throws {
        let run = TrainerTests.temporaryRun()
        try FileManager.default.createDirectory(at: run, withIntermediateDirectories: true)
        let holder = try RunFolderLock.acquire(run, purpose: "test")
        // Written after the holder took the folder, so it stands for the holder's own write in progress.
        let inFlight = ".log.jsonl.\(UUID().uuidString).tmp"
        try Data("bytes".utf8).write(to: run.appendingPathComponent(inFlight))
        #expect(throws: RunFolderBusy.self) { try RunFolderLock.acquire(run, purpose: "second") }
        #expect(try Self.names(in: run) == [inFlight])
        withExtendedLifetime(holder) {}
    }
}
