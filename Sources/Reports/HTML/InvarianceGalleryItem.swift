import Imaging

/// One test image before and after a transform, as the invariance check saw it.
public struct InvarianceGalleryItem: Sendable {
    /// The transform's name as the spec writes it, e.g. "rotate90"; it groups items under their check.
    public var transform: String
    /// The test image as the model first saw it.
    public var original: RGBImage
    /// The same image after the transform.
    public var transformed: RGBImage
    /// What the model said about each, e.g. "parasitized 0.94 → uninfected 0.71".
    public var caption: String
    /// Whether the predicted class changed under the transform.
    public var changed: Bool

    /// An item for `transform` with both images and their caption.
    public init(transform: String, original: RGBImage, transformed: RGBImage, caption: String, changed: Bool) {
        (self.transform, self.original, self.transformed, self.caption, self.changed) = (transform, original, transformed, caption, changed)
    }
}
