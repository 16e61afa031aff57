import AtomicWrite
import Foundation

/// Stored outputs of a model for fixed inputs, with the environment that produced them.
public struct GoldenFile: Codable, Sendable, Equatable {
    /// One input image and the probabilities the model gave it.
    public struct Entry: Codable, Sendable, Equatable {
        /// Path relative to the data folder.
        public var path: String
        /// SHA-256 of the image file, so a changed input is not mistaken for a changed model.
        public var sha256: String
        public var probabilities: [Double]
    }

    public var modelcheckVersion: String
    /// BLAS core, thread count, OS: outputs may legitimately move in the last bits across these.
    public var environment: [String: String]
    /// SHA-256 of the model file that produced the outputs.
    public var modelSHA256: String
    public var classNames: [String]
    public var entries: [Entry]

    /// Reads a golden file.
    public static func read(from url: URL) throws -> GoldenFile {
        try JSONDecoder().decode(GoldenFile.self, from: Data(contentsOf: url))
    }

    /// Why `read` failed, in a few words (the decoder's own text names coding paths, not the problem).
    public static func reason(_ error: any Error) -> String {
        switch error {
        case DecodingError.dataCorrupted: return "not JSON"
        case DecodingError.keyNotFound(let key, _): return "no '\(key.stringValue)'"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "'\(context.codingPath.map(\.stringValue).joined(separator: "."))' has the wrong type"
        default: return (error as NSError).localizedDescription
        }
    }

    /// Writes atomically (temporary file, fsync, rename), pretty and key-sorted so diffs are readable.
    public func write(to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try AtomicFile.replace(url, with: try encoder.encode(self))
    }
}
