extension RGBImage {
    /// More or less stain: each channel's optical density OD = −ln(I / I₀), I₀ = 255 (the light
    /// through an empty slide), multiplied by `factor`, then turned back into I₀·e^(−OD).
    /// That is I₀·(I / I₀)^factor: white stays white, 1 is the identity, above 1 darkens what is
    /// stained. OD is at most ln 255 ≈ 5.54 (I = 1); I = 0 is no light at all, an infinite density
    /// that no factor changes, so black stays black (it is also the masked background of segmented
    /// cells). Results are rounded and clamped to 0...255.
    func stainScaled(by factor: Double) -> RGBImage {
        let lookup = (0...255).map { value -> UInt8 in
            guard value > 0 else { return 0 }
            let density = -PortableMath.log(Double(value) / 255)
            return quantisedSample(255 * PortableMath.exp(-(factor * density)))
        }
        return RGBImage(width: width, height: height, pixels: pixels.map { lookup[Int($0)] })
    }
}
