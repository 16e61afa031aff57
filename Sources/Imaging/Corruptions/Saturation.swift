extension RGBImage {
    /// Each pixel moved away from (`factor` > 1) or towards (< 1) its grey level
    /// L = 0.299 R + 0.587 G + 0.114 B (Rec. 601 luma): L + (v − L)·`factor`, rounded and clamped.
    /// 1 is the identity, 0 the grey image (PIL's `ImageEnhance.Color` without its intermediate rounding).
    func saturationScaled(by factor: Double) -> RGBImage {
        var out = pixels
        for i in stride(from: 0, to: pixels.count, by: 3) {
            let red = Double(pixels[i]), green = Double(pixels[i + 1]), blue = Double(pixels[i + 2])
            let grey = 0.299 * red + 0.587 * green + 0.114 * blue
            out[i] = quantisedSample(grey + (red - grey) * factor)
            out[i + 1] = quantisedSample(grey + (green - grey) * factor)
            out[i + 2] = quantisedSample(grey + (blue - grey) * factor)
        }
        return RGBImage(width: width, height: height, pixels: out)
    }
}
