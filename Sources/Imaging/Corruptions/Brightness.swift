extension RGBImage {
    /// `amount` × 255 added to every sample, rounded and clamped (ImageNet-C's amounts, added to
    /// R, G and B rather than to HSV value).
    func brightened(by amount: Double) -> RGBImage {
        let offset = 255 * amount
        return RGBImage(width: width, height: height, pixels: pixels.map { quantisedSample(Double($0) + offset) })
    }
}
