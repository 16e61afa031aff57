import Imaging

/// Images decoded under an `UnreadableImagePolicy`: those that decoded, and every one that
/// was skipped, with why.
public struct DecodedImages: Sendable {
    /// An image left out under `UnreadableImagePolicy.skip`.
    public struct Skipped: Sendable {
        /// Its manifest entry index.
        public let entry: Int
        /// Its path relative to the manifest's root.
        public let path: String
        /// Why it could not be used.
        public let error: ImageError
    }

    /// Manifest entry indices of the decoded images, in the order asked.
    public let entries: [Int]
    /// The decoded images, parallel to `entries`.
    public let images: [RGBImage]
    /// The images left out, in the order asked.
    public let skipped: [Skipped]
}
