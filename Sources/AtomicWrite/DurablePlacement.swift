#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The one place a completely written file gets its final name durably: fsync the file, rename (or link) it into
/// place, fsync the folder. Whole-file writes (`AtomicFile`, `AtomicFileWriter`) and resumable downloads use it.
public enum DurablePlacement {
    /// What to do when something already has the final name.
    public enum Mode: Sendable {
        /// Rename over it: readers see the old file or the new one, never a mix.
        case replace
        /// Hard-link into place, which fails if any writer got there first; the source name stays.
        case createIfAbsent
    }

    /// Makes the file open as `descriptor` at `source` durable under `destination`. Returns false, placing nothing,
    /// when `mode` is `createIfAbsent` and `destination` exists. Errors name `destination`.
    @discardableResult
    public static func place(descriptor: Int32, at source: String, as destination: String, mode: Mode) throws(FileWriteError) -> Bool {
        // Without this fsync a crash can leave a renamed but empty file.
        guard fsync(descriptor) == 0 else { throw .system("flush \(source) to disk", file: destination) }
        switch mode {
        case .replace:
            guard rename(source, destination) == 0 else { throw .system("rename \(source) into place", file: destination) }
        case .createIfAbsent:
            if link(source, destination) != 0 {
                if errno == EEXIST { return false }
                throw .system("link \(source) into place", file: destination)
            }
        }
        syncFolder(of: destination)
        return true
    }

    /// Makes the new name itself survive a crash. Best effort: the file is already complete and in place, and
    /// some file systems refuse to open or fsync a folder, which only weakens crash durability.
    private static func syncFolder(of path: String) {
        let folder = path.lastIndex(of: "/").map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
        let descriptor = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        close(descriptor)
    }
}
