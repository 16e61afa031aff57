import Foundation

/// Replaces files so that readers see either the old content or the complete new one: the
/// one implementation that reports, run logs, manifests, goldens, images and checkpoints share.
public enum AtomicFile {
    /// Writes `bytes` to a temporary file beside `url` and renames it over `url` (see `DurablePlacement`).
    /// Throws `FileWriteError`.
    public static func replace(_ url: URL, with bytes: [UInt8]) throws {
        let writer = try AtomicFileWriter(destination: url)
        try bytes.withUnsafeBytes { try writer.write($0) }
        try writer.commit(.replace)
    }

    /// As `replace`, but only where no file exists yet: the complete file is hard-linked into
    /// place, which fails if any writer got there first. Returns false, writing nothing, when
    /// `url` exists.
    @discardableResult
    public static func create(_ url: URL, with bytes: [UInt8]) throws -> Bool {
        let writer = try AtomicFileWriter(destination: url)
        try bytes.withUnsafeBytes { try writer.write($0) }
        return try writer.commit(.createIfAbsent)
    }

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
