import Imaging

/// One test image before and after a change the model should shrug off (a rotation, a
/// corruption, a colour shift), as a check saw it.
public struct BeforeAfterImage: Sendable {
    /// The change as reports name it, e.g. "rotate90" or "gaussian_noise@5"; it groups items under their check.
    public var change: String
    /// The test image as the model first saw it.
    public var original: RGBImage
    /// The same image after the change.
    public var changed: RGBImage
    /// What the model said about each, e.g. "parasitized 0.94 → uninfected 0.71".
    public var caption: String
    /// Whether the predicted class changed.
    public var classChanged: Bool

    /// An item for `change` with both images and their caption.
    public init(change: String, original: RGBImage, changed: RGBImage, caption: String, classChanged: Bool) {
        (self.change, self.original, self.changed, self.caption, self.classChanged) = (change, original, changed, caption, classChanged)
    }
}
