import AtomicWrite
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The `<name>.part` file a download streams into, held open and exclusively locked for the whole download so two
/// runs cannot interleave their bytes in it.
final class PartFile: @unchecked Sendable {
    // @unchecked: pwrite/ftruncate and the final placement are safe from any thread; `descriptor` changes only in `release()`, which the
    // owner calls once the transfers, the only other users, are over.
    let path: String
    private var descriptor: Int32
    private let site: DownloadSite

    init(path: String, site: DownloadSite) throws {
        self.path = path
        self.site = site
        descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw site.diskError("opening \(path)") }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let busy = errno == EWOULDBLOCK
            let failure = busy
                ? site.error(.busy, "another process is downloading into \(path); wait for it or stop it")
                : site.diskError("locking \(path)")
            _ = close(descriptor)
            throw failure
        }
    }

    deinit {
        release()
    }

    /// Closes the file and so releases the lock now: URLSession keeps the transfer delegate, and with it this
    /// object, alive for a while after the download ends, and a rerun must not find the file still locked.
    func release() {
        guard descriptor >= 0 else { return }
        _ = close(descriptor)
        descriptor = -1
    }

    func size() throws -> Int {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw site.diskError("fstat of \(path)") }
        return Int(info.st_size)
    }

    func truncate() throws {
        guard ftruncate(descriptor, 0) == 0 else { throw site.diskError("truncating \(path)") }
    }

    /// Writes all of `bytes` at `offset` (positioned writes: no shared file offset to get wrong).
    func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws {
        var done = 0
        while done < bytes.count {
            let written = pwrite(descriptor, bytes.baseAddress! + done, bytes.count - done, off_t(offset + done))
            if written < 0 {
                if errno == EINTR { continue }
                throw site.diskError("writing \(path)")
            }
            done += written
        }
    }

    /// Gives the complete file (which stays open and locked) the name `destination` durably, replacing whatever is there.
    func place(as destination: String) throws {
        do {
            try DurablePlacement.place(descriptor: descriptor, at: path, as: destination, mode: .replace)
        } catch {
            throw site.error(.disk, error.reason)
        }
    }

    /// Renames the file (which stays open and locked) to `destination`, replacing whatever is there; for a file set
    /// aside, where surviving a crash does not matter.
    func move(to destination: String) throws {
        guard rename(path, destination) == 0 else {
            throw site.diskError("renaming \(path) to \(destination)")
        }
    }

    /// An empty `.part` carries nothing worth resuming; leaving it would only clutter the folder.
    func removeIfEmpty() {
        if (try? size()) == 0 { unlink(path) }
    }
}
