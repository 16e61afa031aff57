import Foundation
import Imaging

/// Decoded images at their own size, kept by file and shared between loaders up to a byte
/// budget. One verification reads the same test images dozens of times (the clean pass, each
/// transform, each corruption level and colour shift, drift, the report's galleries); decoding
/// them again each time was a sixth of the perturbation checks' work. Past the budget images are
/// decoded on every read, never evicted, so what is kept does not depend on timing.
public final class DecodedImageStore: @unchecked Sendable {
    /// Largest total of pixel bytes kept.
    public let budgetBytes: Int
    private var images: [URL: RGBImage] = [:]
    private var bytes = 0
    private let lock = NSLock()

    /// An empty store keeping up to `budgetBytes` of pixels.
    public init(budgetBytes: Int) { self.budgetBytes = budgetBytes }

    /// The image at `url`, decoded on its first read; a file that cannot be decoded throws on every read.
    public func image(at url: URL) throws -> RGBImage {
        if let kept = lock.withLock({ images[url] }) { return kept }
        let image = try ImageDecoder.decode(contentsOf: url)
        lock.withLock {
            if images[url] == nil && bytes + image.pixels.count <= budgetBytes {
                images[url] = image
                bytes += image.pixels.count
            }
        }
        return image
    }

    /// Pixel bytes kept now.
    public var keptBytes: Int { lock.withLock { bytes } }
}
