import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Replaces files so that readers see either the old content or the complete new one: the
/// one implementation that reports, run logs, manifests, goldens and images share.
public enum AtomicFile {
    /// Temp file in the destination folder (rename is only atomic within a file system),
    /// fsync before rename (else a crash can leave a renamed but empty file), and fsync
    /// of the folder so that the rename itself survives a crash.
    public static func replace(_ url: URL, with bytes: [UInt8]) throws {
        // rename replaces any file there, so the "already exists" answer never comes.
        _ = try place(bytes, at: url) { temporary, path in
            rename(temporary, path) == 0 ? .placed(consumingTemporary: true) : .failed("cannot rename \(temporary) into place")
        }
    }

    /// As `replace`, but only where no file exists yet: the complete file is hard-linked into
    /// place, which fails if any writer got there first. Returns false, writing nothing, when
    /// `url` exists.
    @discardableResult
    public static func create(_ url: URL, with bytes: [UInt8]) throws -> Bool {
        try place(bytes, at: url) { temporary, path in
            if link(temporary, path) == 0 { return .placed(consumingTemporary: false) }
            return errno == EEXIST ? .exists : .failed("cannot link \(temporary) into place")
        }
    }

    enum Placement { case placed(consumingTemporary: Bool), exists, failed(String) }

    /// Writes and syncs a temp file next to `url`, lets `move` put it in place, removes
    /// whatever temp name is left, and syncs the folder.
    private static func place(_ bytes: [UInt8], at url: URL, move: (String, String) -> Placement) throws -> Bool {
        let path = url.path
        let folder = url.deletingLastPathComponent()
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp").path
        func failure(_ action: String) -> FileWriteError {
            FileWriteError(file: path, reason: "\(action): \(String(cString: strerror(errno)))")
        }

        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw failure("cannot create a temporary file \(temporary)") }
        // A rename consumes the temp name; after a link or a failure it must go.
        var consumed = false
        defer {
            if !consumed { unlink(temporary) }
        }
        do {
            defer { close(descriptor) }
            var written = 0
            while written < bytes.count {
                let result = bytes.withUnsafeBytes { raw in
                    write(descriptor, raw.baseAddress! + written, raw.count - written)
                }
                if result < 0 {
                    if errno == EINTR { continue }
                    throw failure("cannot write")
                }
                written += result
            }
            guard fsync(descriptor) == 0 else { throw failure("cannot flush to disk") }
        }
        switch move(temporary, path) {
        case .failed(let action): throw failure(action)
        case .exists: return false
        case .placed(let consumingTemporary): consumed = consumingTemporary
        }
        // Best effort: the file is already complete and in place; a folder that cannot be
        // opened or synced (some file systems refuse) only weakens crash durability.
        let folderDescriptor = open(folder.path, O_RDONLY | O_CLOEXEC)
        if folderDescriptor >= 0 {
            _ = fsync(folderDescriptor)
            close(folderDescriptor)
        }
        return true
    }
}

extension AtomicFile {
    /// `replace` for `Data`.
    public static func replace(_ url: URL, with data: Data) throws {
        try replace(url, with: [UInt8](data))
    }

    /// `create` for `Data`.
    @discardableResult
    public static func create(_ url: URL, with data: Data) throws -> Bool {
        try create(url, with: [UInt8](data))
    }
}

/// A file could not be written; names the file and the reason.
public struct FileWriteError: Error, CustomStringConvertible, Sendable {
    public let file: String
    public let reason: String
    public var description: String { "\(file): \(reason)" }
}
