import Foundation

/// What an extraction put in place.
public struct ExtractionSummary: Sendable, Equatable {
    /// The folder the archive was unpacked into.
    public var destination: URL
    /// The archive's top-level files and folders, now directly inside `destination`, in archive order.
    public var topLevelItems: [String]
    /// Files written (folders not counted).
    public var fileCount: Int
    /// Bytes written.
    public var byteCount: Int
}
