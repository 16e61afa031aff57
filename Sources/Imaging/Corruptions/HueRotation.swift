extension RGBImage {
    /// Every colour rotated by `degrees` about the grey axis R = G = B of RGB space (Rodrigues'
    /// rotation about (1, 1, 1)/√3): greys and each pixel's R + G + B stay, hues turn, red towards
    /// green for positive angles; 360° is the identity. The matrix is circulant,
    /// [[a, b, c], [c, a, b], [b, c, a]] with a = cos θ + (1 − cos θ)/3,
    /// b = (1 − cos θ)/3 − sin θ/√3, c = (1 − cos θ)/3 + sin θ/√3; results rounded and clamped.
    func hueRotated(degrees: Double) -> RGBImage {
        // The remainder is exact, so 360° + θ is θ to the bit.
        let (sine, cosine) = PortableMath.sinCos(degrees.truncatingRemainder(dividingBy: 360) * Double.pi / 180)
        let shared = (1 - cosine) / 3, turn = sine / 3.0.squareRoot()
        let a = cosine + shared, b = shared - turn, c = shared + turn
        var out = pixels
        for i in stride(from: 0, to: pixels.count, by: 3) {
            let red = Double(pixels[i]), green = Double(pixels[i + 1]), blue = Double(pixels[i + 2])
            out[i] = quantisedSample(a * red + b * green + c * blue)
            out[i + 1] = quantisedSample(c * red + a * green + b * blue)
            out[i + 2] = quantisedSample(b * red + c * green + a * blue)
        }
        return RGBImage(width: width, height: height, pixels: out)
    }
}
