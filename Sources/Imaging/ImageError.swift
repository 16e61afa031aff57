/// Why an image could not be read, decoded, encoded or written, and which file it was.
public struct ImageError: Error, CustomStringConvertible, Sendable {
    /// Broad causes, for callers that treat them differently (skip a bad file, abort on I/O).
    public enum Kind: Sendable, Equatable {
        /// The file could not be read.
        case unreadable
        /// Empty, or neither PNG nor JPEG.
        case unsupportedFormat
        /// libpng or libjpeg rejected the data: truncated, corrupt, inconsistent.
        case decodingFailed
        /// The declared size exceeds the `DecodeLimits`.
        case tooLarge
        /// libpng or libjpeg could not encode the pixels.
        case encodingFailed
        /// The output file could not be written.
        case unwritable
    }

    /// The path or name of the file concerned.
    public let file: String
    /// The broad cause.
    public let kind: Kind
    /// A human-readable explanation, often libpng's or libjpeg's own message.
    public let reason: String

    /// An error about `file`.
    public init(file: String, kind: Kind, reason: String) {
        self.file = file
        self.kind = kind
        self.reason = reason
    }

    /// "file: reason".
    public var description: String { "\(file): \(reason)" }
}
