import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Downloads files over HTTP(S) into a folder: streams into `<name>.part`, resumes an interrupted `.part` with a
/// Range request, verifies size and SHA-256, and only then renames the file to its final name.
///
/// A file that fails verification is renamed to `<name>.rejected` (replacing an older one), so it can be inspected
/// while the next run starts from scratch. A final file already present is not fetched again when it passes the
/// item's checks; without an expected hash or size, its presence alone counts, since only verified downloads are
/// given the final name.
public struct Downloader: Sendable {
    /// Transfers tried per download; connection failures, timeouts and HTTP 408/429/5xx are retried, each try
    /// resuming where the last one stopped.
    public var maxAttempts: Int
    /// Seconds without any data from the server before a transfer counts as stalled.
    public var idleTimeout: TimeInterval
    /// Pause before retry n is n times this.
    public var retryDelay: Duration

    /// Creates a downloader; the defaults suit a large file over a flaky connection.
    public init(maxAttempts: Int = 5, idleTimeout: TimeInterval = 60, retryDelay: Duration = .seconds(2)) {
        self.maxAttempts = max(1, maxAttempts)
        self.idleTimeout = idleTimeout
        self.retryDelay = retryDelay
    }

    /// Downloads `item` into `directory` (created if missing) and returns the verified file. `progress` is called
    /// from a background thread, often: throttle drawing there. Throws `DownloadError` or `CancellationError`.
    public func download(_ item: DownloadItem, into directory: URL,
                         progress: @escaping @Sendable (DownloadProgress) -> Void = { _ in }) async throws -> DownloadResult {
        let folder = directory.path(percentEncoded: false)
        let finalURL = directory.appending(component: item.fileName)
        let finalPath = finalURL.path(percentEncoded: false)
        let site = DownloadSite(url: item.url.absoluteString, file: finalPath)
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw site.error(.disk, "cannot create the folder \(folder): \(error.localizedDescription)")
        }
        if let present = try verifiedExistingFile(item, at: finalURL, site: site, progress: progress) {
            return present
        }

        let part = try PartFile(path: finalPath + ".part", site: site)
        defer { part.release() }
        do {
            let (serverTotal, resumedFrom) = try await transfer(item, into: part, site: site, progress: progress)
            let (size, hash) = try verify(part, item: item, serverTotal: serverTotal, site: site, progress: progress)
            try part.place(as: finalPath)
            return DownloadResult(file: finalURL, byteCount: size, sha256: hash, wasAlreadyPresent: false,
                                  resumedFromByte: resumedFrom)
        } catch {
            part.removeIfEmpty()
            throw error
        }
    }

    /// The existing final file as a result, if it passes the item's checks; nil means download it (again).
    private func verifiedExistingFile(_ item: DownloadItem, at url: URL, site: DownloadSite,
                                      progress: @escaping @Sendable (DownloadProgress) -> Void) throws -> DownloadResult? {
        let path = url.path(percentEncoded: false)
        var info = stat()
        guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
        let size = Int(info.st_size)
        if let expected = item.expectedSize, size != expected { return nil }
        let hash = try FileDigest.sha256(ofFileAt: path, site: site) {
            progress(DownloadProgress(phase: .verifying, bytesDone: $0, totalBytes: size))
        }
        if let expected = item.expectedSHA256, hash != expected { return nil }
        return DownloadResult(file: url, byteCount: size, sha256: hash, wasAlreadyPresent: true, resumedFromByte: 0)
    }

    /// Runs transfers until the `.part` holds the whole body; returns the size the server declared and where the
    /// last transfer resumed.
    private func transfer(_ item: DownloadItem, into part: PartFile, site: DownloadSite,
                          progress: @escaping @Sendable (DownloadProgress) -> Void) async throws -> (serverTotal: Int?, resumedFrom: Int) {
        var attempt = 0
        while true {
            var have = try part.size()
            if let expected = item.expectedSize {
                // A .part of exactly the right size is an earlier run's complete download; verification decides.
                if have == expected { return (nil, have) }
                if have > expected {
                    try part.truncate()
                    have = 0
                }
            }
            attempt += 1
            do {
                let outcome = try await PartFileTransfer.run(
                    url: item.url, part: part, startOffset: have, expectedSize: item.expectedSize,
                    idleTimeout: idleTimeout, site: site, progress: progress)
                switch outcome {
                case .complete(let serverTotal, let appended):
                    return (serverTotal, appended ? have : 0)
                case .rangeNotSatisfiable(let serverTotal):
                    if let serverTotal, serverTotal == have { return (serverTotal, have) }
                    // The .part is longer than the server's file: it cannot be a prefix of it.
                    try part.truncate()
                    guard attempt < maxAttempts else {
                        throw site.error(.httpStatus, "HTTP 416 (range not satisfiable) for a \(have)-byte partial file", status: 416)
                    }
                }
            } catch let error as DownloadError where Self.isTransient(error) && attempt < maxAttempts {
                try await Task.sleep(for: retryDelay * attempt)
            }
        }
    }

    private static func isTransient(_ error: DownloadError) -> Bool {
        switch error.kind {
        case .connection, .timeout: true
        case .httpStatus: error.status.map { $0 == 408 || $0 == 429 || $0 >= 500 } ?? false
        default: false
        }
    }

    /// Checks the complete `.part`; on a mismatch renames it aside so the next run starts afresh.
    private func verify(_ part: PartFile, item: DownloadItem, serverTotal: Int?, site: DownloadSite,
                        progress: @escaping @Sendable (DownloadProgress) -> Void) throws -> (size: Int, sha256: String) {
        let size = try part.size()
        if let expected = item.expectedSize ?? serverTotal, size != expected {
            throw try reject(part, site: site, kind: .sizeMismatch, "size mismatch: expected \(expected) bytes, got \(size)")
        }
        let hash = try FileDigest.sha256(ofFileAt: part.path, site: site) {
            progress(DownloadProgress(phase: .verifying, bytesDone: $0, totalBytes: size))
        }
        if let expected = item.expectedSHA256, hash != expected {
            throw try reject(part, site: site, kind: .hashMismatch, "SHA-256 mismatch: expected \(expected), got \(hash)")
        }
        return (size, hash)
    }

    private func reject(_ part: PartFile, site: DownloadSite, kind: DownloadError.Kind, _ message: String) throws -> DownloadError {
        let aside = site.file + ".rejected"
        try part.move(to: aside)
        return site.error(kind, "\(message); the downloaded file was moved to \(aside) and the next run starts afresh")
    }
}
