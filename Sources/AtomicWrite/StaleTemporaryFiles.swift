import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The temporary files `AtomicFileWriter` names ".NAME.UUID.tmp" beside a destination NAME, and the removal of those
/// a killed process left. A live writer holds an exclusive `flock` on its temporary file, so a matching file that
/// nobody holds is stale, whichever process wrote it.
public enum StaleTemporaryFiles {
    /// A fresh temporary name for the destination file name `destination`.
    static func name(for destination: String) -> String {
        ".\(destination).\(UUID().uuidString).tmp"
    }

    /// Whether `file` is a temporary name of `destination`, or of any destination when nil.
    static func matches(_ file: String, destination: String?) -> Bool {
        guard file.hasPrefix("."), file.hasSuffix(".tmp") else { return false }
        let core = file.dropFirst().dropLast(4)
        guard let dot = core.lastIndex(of: ".") else { return false }
        let uuid = core[core.index(after: dot)...]
        let name = core[..<dot]
        guard uuid.count == 36, UUID(uuidString: String(uuid)) != nil, !name.isEmpty else { return false }
        return destination.map { name == $0 } ?? true
    }

    /// Removes the stale temporary files directly in `folder` (only those of the file name `destination` when
    /// given) and returns their names. Best effort: a file that cannot be opened, locked or removed stays.
    @discardableResult
    public static func remove(in folder: URL, destination: String? = nil) -> [String] {
        let path = folder.path(percentEncoded: false)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else { return [] }
        let prefix = path.hasSuffix("/") ? path : path + "/"
        return names.sorted().filter { name in
            guard matches(name, destination: destination) else { return false }
            let file = prefix + name
            let descriptor = open(file, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
            guard descriptor >= 0 else { return false }
            defer { close(descriptor) }
            var info = stat()
            guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG,
                  flock(descriptor, LOCK_EX | LOCK_NB) == 0
            else { return false }
            return unlink(file) == 0
        }
    }
}
