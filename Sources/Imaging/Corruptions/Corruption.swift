import Randomness
/// The image corruptions of the robustness check; raw values are the names a spec uses.
///
/// A corrupted image is a pure function of (image, corruption, severity, seed): the noise comes
/// from a SplitMix64 stream seeded by `seed`, the corruption's name and the severity, and
/// everything else is IEEE arithmetic in a fixed order, with exp, log, sin and cos of our own
/// (`PortableMath`), not libm's; only the JPEG round trip depends on a library (libjpeg-turbo).
public enum Corruption: String, CaseIterable, Sendable, Codable {
    case gaussianNoise = "gaussian_noise"
    case shotNoise = "shot_noise"
    case gaussianBlur = "gaussian_blur"
    case defocusBlur = "defocus_blur"
    case jpeg
    case pixelate
    case brightness
    case contrast
    case saturation

    /// `image` corrupted at `severity`; only the JPEG round trip can fail (libjpeg refuses sides over
    /// 65,500 pixels, or runs out of memory).
    /// An image without pixels comes back unchanged.
    public func apply(to image: RGBImage, severity: CorruptionSeverity, seed: UInt64) throws -> RGBImage {
        guard !image.pixels.isEmpty else { return image }
        let value = parameter(at: severity)
        let shorterSide = Double(min(image.width, image.height))
        switch self {
        case .gaussianNoise:
            var generator = noiseGenerator(severity: severity, seed: seed)
            return image.withGaussianNoise(sigma: value, generator: &generator)
        case .shotNoise:
            var generator = noiseGenerator(severity: severity, seed: seed)
            return image.withShotNoise(photons: value, generator: &generator)
        case .gaussianBlur: return image.gaussianBlurred(sigma: value * shorterSide)
        case .defocusBlur: return image.defocusBlurred(radius: value * shorterSide)
        case .jpeg: return try ImageDecoder.decode(JPEGEncoder.encode(image, quality: Int(value)), name: "JPEG at quality \(Int(value))")
        case .pixelate: return image.pixelated(cellsAcross: Int(value))
        case .brightness: return image.brightened(by: value)
        case .contrast: return image.contrastScaled(by: value)
        case .saturation: return image.saturationScaled(by: value)
        }
    }

    /// The noise stream of this corruption at `severity`: seed, name and severity mixed through
    /// SplitMix64, so each (corruption, severity) draws independent noise from the same seed:
    /// g₁ = SplitMix64(seed ⊕ FNV-1a-64(name)), g₂ = SplitMix64(g₁.next() ⊕ severity), stream = SplitMix64(g₂.next()).
    func noiseGenerator(severity: CorruptionSeverity, seed: UInt64) -> SeededRandom {
        var byName = SeededRandom(seed: seed ^ Self.fnv1a64(rawValue))
        var bySeverity = SeededRandom(seed: byName.next() ^ UInt64(severity.level))
        return SeededRandom(seed: bySeverity.next())
    }

    /// FNV-1a, 64 bits, over the UTF-8 bytes: a stable hash of a name (Swift's own hash is seeded per process).
    static func fnv1a64(_ text: String) -> UInt64 {
        text.utf8.reduce(0xCBF2_9CE4_8422_2325) { ($0 ^ UInt64($1)) &* 0x0000_0100_0000_01B3 }
    }
}
