import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Streams a file into a temporary name beside its destination; `commit` gives it the final name durably, so
/// readers never see a half-written file. Dropped without `commit`, it removes the temporary file.
public final class AtomicFileWriter {
    /// The final path.
    public let destination: String
    /// Where the bytes go until `commit`; in the destination's folder because rename is atomic only within a file system.
    private let temporary: String
    private var descriptor: Int32
    /// After a rename the temporary name is gone; after a link or a failure it must be removed.
    private var temporaryConsumed = false

    /// Creates the temporary file beside `url`. Throws when the folder is missing or not writable.
    public init(destination url: URL) throws(FileWriteError) {
        destination = url.path(percentEncoded: false)
        let folder = url.deletingLastPathComponent().path(percentEncoded: false)
        let prefix = folder.hasSuffix("/") ? folder : folder + "/"
        while true {
            let candidate = prefix + StaleTemporaryFiles.name(for: url.lastPathComponent)
            let opened = open(candidate, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            guard opened >= 0 else { throw .system("create a temporary file \(candidate)", file: destination) }
            // Held while this writer lives, so that a sweep (`StaleTemporaryFiles`) never takes the file for stale.
            _ = flock(opened, LOCK_EX)
            // A sweep that locked the file between open and flock has unlinked it: start over under a new name.
            var info = stat()
            if fstat(opened, &info) == 0, info.st_nlink == 0 {
                close(opened)
                continue
            }
            (temporary, descriptor) = (candidate, opened)
            return
        }
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
        if !temporaryConsumed { unlink(temporary) }
    }

    /// Appends all of `bytes`.
    public func write(_ bytes: UnsafeRawBufferPointer) throws(FileWriteError) {
        guard var cursor = bytes.baseAddress else { return }
        var remaining = bytes.count
        while remaining > 0 {
            let written = writeOnce(descriptor, cursor, remaining)
            if written < 0 {
                if errno == EINTR { continue }
                throw .system("write \(temporary)", file: destination)
            }
            cursor += written
            remaining -= written
        }
    }

    /// Overwrites bytes already written, at `offset` from the start (for fields known only after the data, like a CRC).
    public func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws(FileWriteError) {
        guard let base = bytes.baseAddress else { return }
        var done = 0
        while done < bytes.count {
            let written = pwrite(descriptor, base + done, bytes.count - done, off_t(offset + done))
            if written < 0 {
                if errno == EINTR { continue }
                throw .system("write \(temporary)", file: destination)
            }
            done += written
        }
    }

    /// Gives the complete file its final name (see `DurablePlacement`). Returns false, placing nothing, when `mode`
    /// is `createIfAbsent` and the destination exists. The writer cannot be used afterwards.
    @discardableResult
    public func commit(_ mode: DurablePlacement.Mode = .replace) throws(FileWriteError) -> Bool {
        let placed = try DurablePlacement.place(descriptor: descriptor, at: temporary, as: destination, mode: mode)
        temporaryConsumed = placed && mode == .replace
        // fsync has already reported any write-back failure; close can add nothing to it.
        _ = close(descriptor)
        descriptor = -1
        return placed
    }
}

/// The system call, under a name the writer's own `write` methods do not shadow.
private func writeOnce(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, bytes, count)
}
