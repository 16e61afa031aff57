import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One HTTP GET streamed into a `PartFile`: asks for the bytes after those already there, appends on 206,
/// starts over on 200, and reports 416 to the caller. URLSession's delegate hands over the body chunk by chunk,
/// so the file is never held in memory.
final class PartFileTransfer: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    // @unchecked: the mutable state below is only touched under `lock`.

    /// How a transfer that did not throw ended.
    enum Outcome: Equatable {
        /// The body is complete in the file. `serverTotal` is the size the server declared, if it did;
        /// `appended` says whether the bytes continued the existing file (206) rather than replacing it (200).
        case complete(serverTotal: Int?, appended: Bool)
        /// 416: nothing lies after the requested start; `serverTotal` is the size the server declared, if any.
        case rangeNotSatisfiable(serverTotal: Int?)
    }

    private let part: PartFile
    private let startOffset: Int
    private let expectedSize: Int?
    private let site: DownloadSite
    private let progress: @Sendable (DownloadProgress) -> Void

    private let lock = NSLock()
    private var offset = 0
    /// The size the body must reach: the catalogue's when known, else the server's.
    private var targetSize: Int?
    private var serverTotal: Int?
    private var appending = false
    private var outcome: Outcome?
    private var failure: Error?
    private var continuation: CheckedContinuation<Outcome, Error>?

    private init(part: PartFile, startOffset: Int, expectedSize: Int?, site: DownloadSite,
                 progress: @escaping @Sendable (DownloadProgress) -> Void) {
        self.part = part
        self.startOffset = startOffset
        self.expectedSize = expectedSize
        self.site = site
        self.progress = progress
    }

    /// Fetches `url` into `part`, asking for a Range from `startOffset` when it is positive.
    static func run(url: URL, part: PartFile, startOffset: Int, expectedSize: Int?, idleTimeout: TimeInterval,
                    site: DownloadSite, progress: @escaping @Sendable (DownloadProgress) -> Void) async throws -> Outcome {
        try Task.checkCancellation()
        let transfer = PartFileTransfer(part: part, startOffset: startOffset, expectedSize: expectedSize, site: site,
                                        progress: progress)
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = idleTimeout
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.urlCache = nil
        let queue = OperationQueue()
        queue.maxConcurrentOperationCount = 1  // chunks must be written in order
        let session = URLSession(configuration: configuration, delegate: transfer, delegateQueue: queue)
        // The session keeps its delegate alive until invalidated.
        defer { session.finishTasksAndInvalidate() }

        var request = URLRequest(url: url)
        // A compressed transfer would make byte counts and ranges refer to different bytes than the file's.
        request.setValue("identity", forHTTPHeaderField: "Accept-Encoding")
        if startOffset > 0 { request.setValue("bytes=\(startOffset)-", forHTTPHeaderField: "Range") }
        let task = session.dataTask(with: request)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                transfer.lock.withLock { transfer.continuation = continuation }
                task.resume()
            }
        } onCancel: {
            task.cancel()
        }
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
        // The first report shows where a resumed download starts, before any new byte arrives.
        let start = lock.withLock { () -> DownloadProgress? in
            do {
                try accept(response)
                return outcome == nil ? DownloadProgress(phase: .downloading, bytesDone: offset, totalBytes: targetSize) : nil
            } catch {
                failure = error
                return nil
            }
        }
        if let start { progress(start) }
        completionHandler(start != nil ? .allow : .cancel)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        let report = lock.withLock { () -> DownloadProgress? in
            guard failure == nil else { return nil }
            do {
                if let targetSize, offset + data.count > targetSize {
                    // What arrived so far is a prefix of the wrong file: keeping it would poison the next resume.
                    try part.truncate()
                    throw site.error(.sizeMismatch, "the server sent more than the \(targetSize) bytes the file should have")
                }
                try data.withUnsafeBytes { try part.write($0, at: offset) }
                offset += data.count
                return DownloadProgress(phase: .downloading, bytesDone: offset, totalBytes: targetSize)
            } catch {
                failure = error
                return nil
            }
        }
        if let report { progress(report) } else { dataTask.cancel() }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        let (continuation, result) = lock.withLock { () -> (CheckedContinuation<Outcome, Error>?, Result<Outcome, Error>) in
            defer { self.continuation = nil }
            return (self.continuation, finalResult(transportError: error))
        }
        continuation?.resume(with: result)
    }

    /// Checks the status and headers and positions the write offset. Called under `lock`.
    private func accept(_ response: URLResponse) throws {
        guard let http = response as? HTTPURLResponse else {
            throw site.error(.badResponse, "the server's answer is not an HTTP response")
        }
        let contentRange = http.value(forHTTPHeaderField: "Content-Range").flatMap(ContentRange.init(header:))
        let length = http.expectedContentLength >= 0 ? Int(http.expectedContentLength) : nil
        switch http.statusCode {
        case 206:
            guard let contentRange, let first = contentRange.first, let last = contentRange.last else {
                throw site.error(.badResponse, "HTTP 206 without a usable Content-Range header ('\(http.value(forHTTPHeaderField: "Content-Range") ?? "")')")
            }
            guard first == startOffset else {
                throw site.error(.badResponse, "asked for the bytes from \(startOffset) on, but the server sent bytes \(first)-\(last)")
            }
            serverTotal = contentRange.total ?? (length.map { startOffset + $0 })
            offset = startOffset
            appending = true
        case 200:
            serverTotal = length
            offset = 0
        case 416:
            outcome = .rangeNotSatisfiable(serverTotal: contentRange?.total)
            return
        default:
            let reason = HTTPURLResponse.localizedString(forStatusCode: http.statusCode)
            throw site.error(.httpStatus, "HTTP \(http.statusCode) (\(reason))", status: http.statusCode)
        }
        if let expectedSize, let serverTotal, serverTotal != expectedSize {
            throw site.error(.sizeMismatch, "the server offers a \(serverTotal)-byte file, but \(expectedSize) bytes are expected; is the URL right?")
        }
        // A 200 is either a fresh start or a server that ignores Range: either way its body is the whole file.
        if !appending { try part.truncate() }
        targetSize = expectedSize ?? serverTotal
    }

    /// Combines our own failure (which caused any cancellation), the transport's error and the byte count.
    private func finalResult(transportError: Error?) -> Result<Outcome, Error> {
        if let failure { return .failure(failure) }
        if let outcome { return .success(outcome) }
        if let transportError { return .failure(Self.describe(transportError, site: site, received: offset, of: targetSize)) }
        if let targetSize, offset < targetSize {
            return .failure(site.error(.connection, "the connection closed after \(offset) of \(targetSize) bytes"))
        }
        return .success(.complete(serverTotal: serverTotal, appended: appending))
    }

    private static func describe(_ error: Error, site: DownloadSite, received: Int, of total: Int?) -> Error {
        guard let urlError = error as? URLError else {
            return site.error(.connection, "transfer failed: \(error)")
        }
        let soFar = "after \(received)\(total.map { " of \($0)" } ?? "") bytes"
        switch urlError.code {
        case .cancelled:
            return CancellationError()
        case .timedOut:
            return site.error(.timeout, "no data from the server within the idle timeout (\(soFar))")
        case .networkConnectionLost:
            return site.error(.connection, "the connection was cut \(soFar)")
        case .cannotConnectToHost:
            return site.error(.connection, "could not connect to the server")
        case .cannotFindHost, .dnsLookupFailed:
            return site.error(.connection, "the host name could not be resolved")
        case .notConnectedToInternet:
            return site.error(.connection, "no network connection")
        case .secureConnectionFailed, .serverCertificateUntrusted, .serverCertificateHasBadDate,
             .serverCertificateNotYetValid, .serverCertificateHasUnknownRoot, .clientCertificateRejected:
            return site.error(.connection, "the TLS connection could not be established (URLError \(urlError.code.rawValue))")
        case .unsupportedURL:
            return site.error(.invalidInput, "URLSession cannot fetch this URL")
        default:
            return site.error(.connection, "transfer failed \(soFar) (URLError \(urlError.code.rawValue))")
        }
    }
}
