/// Resampling to a new size.
extension RGBImage {
    /// Bilinear resize with half-pixel centres (TensorFlow's `resize` without antialiasing,
    /// as BiT's TF2/JAX input pipeline does it); aspect ratio is not kept, as in BiT.
    public func resized(width newWidth: Int, height newHeight: Int) -> RGBImage {
        precondition(newWidth > 0 && newHeight > 0)
        if newWidth == width && newHeight == height { return self }
        let xs = Self.samplePositions(from: width, to: newWidth)
        let ys = Self.samplePositions(from: height, to: newHeight)
        var out = [UInt8](repeating: 0, count: newWidth * newHeight * 3)
        pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for (oy, y) in ys.enumerated() {
                    let row0 = y.low * width * 3, row1 = y.high * width * 3
                    for (ox, x) in xs.enumerated() {
                        let a = row0 + x.low * 3, b = row0 + x.high * 3, c = row1 + x.low * 3, d = row1 + x.high * 3
                        let o = (oy * newWidth + ox) * 3
                        for ch in 0..<3 {
                            let top = Float(src[a + ch]) + (Float(src[b + ch]) - Float(src[a + ch])) * x.weight
                            let bottom = Float(src[c + ch]) + (Float(src[d + ch]) - Float(src[c + ch])) * x.weight
                            let v = top + (bottom - top) * y.weight
                            dst[o + ch] = UInt8(min(255, max(0, v.rounded())))
                        }
                    }
                }
            }
        }
        return RGBImage(width: newWidth, height: newHeight, pixels: out)
    }

    /// For each output index: the two source indices around its centre and the weight of the second.
    static func samplePositions(from source: Int, to target: Int) -> [(low: Int, high: Int, weight: Float)] {
        let scale = Double(source) / Double(target)
        return (0..<target).map { i in
            let centre = max(0, (Double(i) + 0.5) * scale - 0.5)
            let low = min(Int(centre), source - 1)
            return (low, min(low + 1, source - 1), Float(centre - Double(low)))
        }
    }
}
