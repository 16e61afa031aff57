extension RGBImage {
    /// Each channel multiplied by its gain, rounded and clamped: a camera's white balance.
    func channelsScaled(red: Double, green: Double, blue: Double) -> RGBImage {
        let gains = [red, green, blue]
        var out = pixels
        for i in out.indices {
            out[i] = quantisedSample(Double(pixels[i]) * gains[i % 3])
        }
        return RGBImage(width: width, height: height, pixels: out)
    }
}
