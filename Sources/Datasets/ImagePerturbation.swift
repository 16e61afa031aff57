import Imaging
import Randomness

/// A change made to an image before the model sees it: a corruption at a severity, or a colour
/// shift by an amount. The robustness checks judge a model under them; training can augment with them.
public enum ImagePerturbation: Sendable, Hashable, CustomStringConvertible {
    case corruption(Corruption, CorruptionSeverity)
    case colourShift(ColourShift.Kind, amount: Double)

    /// `image` perturbed. Noise is drawn from a stream seeded by `seed` and the image's own pixels
    /// (FNV-1a over them), so a perturbed image is a pure function of (image, perturbation, seed):
    /// the same on every machine, in any order, on any thread.
    public func apply(to image: RGBImage, seed: UInt64) throws -> RGBImage {
        switch self {
        case .corruption(let corruption, let severity):
            try corruption.apply(to: image, severity: severity, seed: Self.imageSeed(image, seed: seed))
        case .colourShift(let kind, let amount):
            ColourShift(kind, amount: amount).apply(to: image)
        }
    }

    /// How reports name it: `gaussian_noise@3`, `stain_intensity=1.3`.
    public var description: String {
        switch self {
        case .corruption(let corruption, let severity): "\(corruption.rawValue)@\(severity.level)"
        case .colourShift(let kind, let amount): "\(kind.rawValue)=\(amount)"
        }
    }

    /// The noise seed of one image: `seed` mixed with an FNV-1a hash of its size and pixels.
    static func imageSeed(_ image: RGBImage, seed: UInt64) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in [UInt64(image.width), UInt64(image.height)] { hash = (hash ^ byte) &* 0x0000_0100_0000_01B3 }
        image.pixels.withUnsafeBufferPointer { pixels in
            for byte in pixels { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        }
        var mixer = SeededRandom(seed: seed ^ hash)
        return mixer.next()
    }
}
