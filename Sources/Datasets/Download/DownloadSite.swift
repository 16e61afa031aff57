#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The URL and file a download step works on, so every layer can build a complete `DownloadError`.
struct DownloadSite: Sendable {
    var url: String
    var file: String

    func error(_ kind: DownloadError.Kind, _ message: String, status: Int? = nil) -> DownloadError {
        DownloadError(kind, url: url, file: file, status: status, message: message)
    }

    /// Captures `errno` immediately, before anything else can overwrite it.
    func diskError(_ operation: String) -> DownloadError {
        let code = errno
        return error(.disk, "\(operation) failed: \(String(cString: strerror(code))) (errno \(code))")
    }
}
