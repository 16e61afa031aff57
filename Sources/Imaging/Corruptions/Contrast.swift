extension RGBImage {
    /// Every sample pulled towards the image's mean m (over all samples of all channels):
    /// (v − m)·`factor` + m, rounded and clamped, as ImageNet-C's contrast.
    func contrastScaled(by factor: Double) -> RGBImage {
        guard !pixels.isEmpty else { return self }
        let mean = Double(pixels.reduce(0) { $0 + Int($1) }) / Double(pixels.count)
        return RGBImage(width: width, height: height, pixels: pixels.map { quantisedSample((Double($0) - mean) * factor + mean) })
    }
}
