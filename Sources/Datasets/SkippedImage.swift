import Imaging

extension DatasetManifest {
    /// An image file the scan saw but the dataset cannot use (its name is not UTF-8, or it
    /// does not decode), left out under `UnreadableImagePolicy.skip` and listed, never dropped.
    public struct SkippedImage: Codable, Sendable, Equatable, Hashable {
        /// Why it cannot be used, in words that do not depend on the decoder's version, so
        /// that the fingerprint, which covers them, is the same on every machine.
        public enum Cause: String, Codable, Sendable, CaseIterable {
            /// Its name (or a folder's above it) is not valid UTF-8, so no path in a report,
            /// manifest or certificate could name it.
            case nameNotUTF8
            /// It could not be read.
            case unreadable
            /// Empty, or neither PNG nor JPEG by content although named like one.
            case notAnImage
            /// libpng or libjpeg rejected its data.
            case corrupt
            /// Its declared size exceeds the decode limits.
            case tooLarge

            /// The cause of a decoder's error.
            public init(_ kind: ImageError.Kind) {
                switch kind {
                case .unsupportedFormat: self = .notAnImage
                case .decodingFailed, .encodingFailed: self = .corrupt
                case .tooLarge: self = .tooLarge
                case .unreadable, .unwritable: self = .unreadable
                }
            }
        }

        /// Path relative to the root, components joined by `/`; bytes that are not UTF-8 are
        /// written `\xHH` (two hex digits each).
        public var path: String
        /// The stable cause, part of the fingerprint.
        public var cause: Cause
        /// What exactly went wrong, for people (often libpng's or libjpeg's words).
        public var reason: String

        /// A skipped image.
        public init(path: String, cause: Cause, reason: String) { (self.path, self.cause, self.reason) = (path, cause, reason) }

        /// "path: reason", for one-line listings.
        public var line: String { "\(path): \(reason)" }
    }
}
