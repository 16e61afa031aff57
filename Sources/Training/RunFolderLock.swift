import AtomicWrite
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Holds a run folder for one process: two runs writing one folder interleave their logs and
/// overwrite each other's checkpoints, so a second writer is refused instead.
///
/// The lock is `flock` on a file beside the folder (`runs/.NAME.lock`), not inside it: certify
/// moves an earlier run folder aside, and a lock inside would move with it. The kernel releases
/// it when the process ends, however it ends, so a killed run never leaves a stale lock.
public final class RunFolderLock: @unchecked Sendable {
    /// The held folder.
    public let folder: URL
    /// Temporary files that writes killed mid-way had left in the folder, removed when the lock was taken.
    public let removedTemporaryFiles: [String]
    private let descriptor: Int32

    private init(folder: URL, descriptor: Int32, removedTemporaryFiles: [String]) {
        (self.folder, self.descriptor, self.removedTemporaryFiles) = (folder, descriptor, removedTemporaryFiles)
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }

    /// The lock file that guards `folder`.
    public static func lockFile(for folder: URL) -> URL {
        let folder = folder.standardizedFileURL
        return folder.deletingLastPathComponent().appendingPathComponent(".\(folder.lastPathComponent).lock")
    }

    /// Takes `folder` for this process, or throws `RunFolderBusy` naming the holder at once (never waits). Once held,
    /// the folder's stale temporary files (`StaleTemporaryFiles`) are removed.
    public static func acquire(_ folder: URL, purpose: String) throws -> RunFolderLock {
        let file = lockFile(for: folder)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        let fd = open(file.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw RunFolderError(file: file.path, message: "cannot open the run folder's lock file: \(String(cString: strerror(errno)))")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let holder = readHolder(fd)
            close(fd)
            throw RunFolderBusy(folder: folder.standardizedFileURL.path, holder: holder)
        }
        // Who holds it, for the message a refused process prints; written only while held.
        let text = "\(getpid()) \(purpose)\n"
        _ = ftruncate(fd, 0)
        _ = text.withCString { pwrite(fd, $0, strlen($0), 0) }
        let removed = StaleTemporaryFiles.remove(in: folder.standardizedFileURL)
        return RunFolderLock(folder: folder.standardizedFileURL, descriptor: fd, removedTemporaryFiles: removed)
    }

    private static func readHolder(_ fd: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 256)
        let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        let text = n > 0 ? String(decoding: buffer[0..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : ""
        guard let space = text.firstIndex(of: " "), let pid = Int(text[..<space]) else { return "another process" }
        return "process \(pid) (\(text[text.index(after: space)...]))"
    }
}

/// Another process holds the run folder.
public struct RunFolderBusy: Error, CustomStringConvertible, Sendable {
    public let folder: String
    /// "process PID (what it does)", or "another process" when it has not said yet.
    public let holder: String
    public var description: String {
        "\(folder) is in use by \(holder); one process at a time trains, certifies or verifies a run folder: wait for it to finish or use another training.run"
    }
}
