import Foundation

/// One file to download: where from, the name to give it, and what it must look like to be accepted.
public struct DownloadItem: Sendable, Equatable {
    /// The http or https URL.
    public var url: URL
    /// The plain file name (no folders) the verified file gets.
    public var fileName: String
    /// The exact size; when nil, the size the server declares (Content-Length or Content-Range) is checked instead.
    public var expectedSize: Int?
    /// 64 lowercase hex digits; when nil the hash is not checked, only computed and returned.
    public var expectedSHA256: String?

    /// Validates the parts: an http(s) URL, a plain file name (default: the URL's last path component) and, if
    /// given, a SHA-256 of 64 hex digits (either case).
    public init(url: URL, fileName: String? = nil, expectedSize: Int? = nil, expectedSHA256: String? = nil) throws {
        let site = DownloadSite(url: url.absoluteString, file: "")
        guard let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https", url.host != nil else {
            throw site.error(.invalidInput, "only http:// and https:// URLs can be downloaded")
        }
        let name = fileName ?? url.lastPathComponent
        guard !name.isEmpty, name != ".", name != "..", !name.contains("/"), !name.contains("\0") else {
            throw site.error(.invalidInput, "'\(name)' is not a plain file name to save the download under")
        }
        if let expectedSize, expectedSize < 0 {
            throw site.error(.invalidInput, "expected size \(expectedSize) is negative")
        }
        self.url = url
        self.fileName = name
        self.expectedSize = expectedSize
        self.expectedSHA256 = try expectedSHA256.map { try Self.normalisedSHA256($0, site: site) }
    }

    private static func normalisedSHA256(_ text: String, site: DownloadSite) throws -> String {
        let lower = text.lowercased()
        guard lower.utf8.count == 64, lower.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else {
            throw site.error(.invalidInput, "'\(text)' is not a SHA-256: expected 64 hexadecimal digits")
        }
        return lower
    }
}
