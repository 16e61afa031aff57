extension RGBImage {
    /// Each channel multiplied by its gain, rounded and clamped: a camera's white balance.
    func channelsScaled(red: Double, green: Double, blue: Double) -> RGBImage {
        var out = pixels
        for i in stride(from: 0, to: pixels.count, by: 3) {
            out[i] = quantisedSample(Double(pixels[i]) * red)
            out[i + 1] = quantisedSample(Double(pixels[i + 1]) * green)
            out[i + 2] = quantisedSample(Double(pixels[i + 2]) * blue)
        }
        return RGBImage(width: width, height: height, pixels: out)
    }
}
