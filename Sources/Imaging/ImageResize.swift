import CResample

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
                mc_resize_bilinear_rgb(src.baseAddress, width, dst.baseAddress, newWidth, newHeight,
                                       xs.map(\.low), xs.map(\.high), xs.map(\.weight),
                                       ys.map(\.low), ys.map(\.high), ys.map(\.weight))
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
