import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes reports so that a reader (a CI step, a dashboard) sees the old file or the complete new one, never a
/// partial one, even if `verify` is killed or the machine loses power mid-write.
public enum ReportFile {
    /// Why a report could not be written: the file and the system's reason.
    public struct WriteError: Error, CustomStringConvertible, Equatable, Sendable {
        /// The report file that was to be written.
        public let path: String
        /// What failed, with the system's explanation.
        public let reason: String

        /// One line naming the file and what went wrong.
        public var description: String { "\(path): cannot write report: \(reason)" }
    }

    /// Replaces the file at `url` with `data` atomically; on failure leaves the old file and no temporary one.
    public static func write(_ data: Data, to url: URL) throws {
        // A temp file in the same folder, as rename is atomic only within one file system; fsync before rename,
        // else a crash can leave a renamed but empty file; then an fsync of the folder, so the rename survives.
        let path = url.path
        let folder = url.deletingLastPathComponent().path
        let temporary = folder + "/.\(url.lastPathComponent).\(UUID().uuidString).tmp"
        func failure(_ action: String) -> WriteError {
            WriteError(path: path, reason: "\(action): \(String(cString: strerror(errno)))")
        }
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw failure("cannot create a temporary file in \(folder)") }
        var renamed = false
        defer { if !renamed { unlink(temporary) } }
        do {
            defer { close(descriptor) }
            // FileHandle rather than write(2): this function's own name hides the C one here.
            let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: false)
            try handle.write(contentsOf: data)
            try handle.synchronize()
        } catch {
            throw WriteError(path: path, reason: "cannot write \(temporary): \(error.localizedDescription)")
        }
        guard rename(temporary, path) == 0 else { throw failure("cannot rename the temporary file into place") }
        renamed = true
        // Best effort: the report is complete and in place; a folder that cannot be synced (some file systems
        // refuse) only weakens crash durability.
        let folderDescriptor = open(folder, O_RDONLY | O_CLOEXEC)
        if folderDescriptor >= 0 {
            _ = fsync(folderDescriptor)
            close(folderDescriptor)
        }
    }
}
