import Foundation

/// A verified file in place under its final name.
public struct DownloadResult: Sendable, Equatable {
    /// The final file.
    public var file: URL
    /// Its size in bytes.
    public var byteCount: Int
    /// Its SHA-256, 64 lowercase hex digits: checked against the expected value when there was one, and worth
    /// pinning (`--sha256`) when there was not.
    public var sha256: String
    /// Whether the file was already present and verified, so nothing was transferred.
    public var wasAlreadyPresent: Bool
    /// Bytes kept from an earlier, interrupted run's `.part` file and completed with a Range request; 0 if none.
    public var resumedFromByte: Int
}
