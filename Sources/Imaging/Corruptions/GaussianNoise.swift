import Randomness
extension RGBImage {
    /// Every sample plus an independent normal deviate of standard deviation `sigma` × 255
    /// (Box–Muller from `generator`, one deviate per sample in memory order), rounded and clamped.
    func withGaussianNoise(sigma: Double, generator: inout SeededRandom) -> RGBImage {
        let scale = 255 * sigma
        let deviates = generator.normals(count: pixels.count)
        var out = pixels
        for i in out.indices {
            out[i] = quantisedSample(Double(pixels[i]) + scale * deviates[i])
        }
        return RGBImage(width: width, height: height, pixels: out)
    }
}
