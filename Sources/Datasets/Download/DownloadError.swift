/// A download failed; `description` names the URL, the local file and the reason.
public struct DownloadError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The category of failure, for callers that branch on it rather than on the message.
    public enum Kind: String, Sendable, Equatable {
        /// The server answered with an HTTP status that is not a success.
        case httpStatus
        /// The connection could not be made, or was cut before the body was complete.
        case connection
        /// The server sent nothing for longer than the idle timeout.
        case timeout
        /// The server's answer is not usable HTTP for a download (not HTTP, a bad Content-Range...).
        case badResponse
        /// The file's byte count differs from the expected one.
        case sizeMismatch
        /// The file's SHA-256 differs from the expected one.
        case hashMismatch
        /// Creating, writing, syncing or renaming a local file failed.
        case disk
        /// Another process is downloading to the same `.part` file.
        case busy
        /// The request itself is unusable: a URL that is not http(s), a malformed hash, an unknown name.
        case invalidInput
    }

    /// What went wrong, broadly.
    public var kind: Kind
    /// The URL being fetched, or the empty string when the failure is not tied to one.
    public var url: String
    /// The local file involved, or the empty string.
    public var file: String
    /// The HTTP status code, for `.httpStatus`.
    public var status: Int?
    /// Human-readable detail, without the URL and file prefix.
    public var message: String

    /// Creates an error; `description` is assembled from the parts.
    public init(_ kind: Kind, url: String, file: String, status: Int? = nil, message: String) {
        self.kind = kind
        self.url = url
        self.file = file
        self.status = status
        self.message = message
    }

    /// "url -> file: message", leaving out the parts that are absent.
    public var description: String {
        var location: [String] = []
        if !url.isEmpty { location.append(url) }
        if !file.isEmpty { location.append(file) }
        let prefix = location.joined(separator: " -> ")
        return prefix.isEmpty ? message : "\(prefix): \(message)"
    }
}
