extension RGBImage {
    /// Separable Gaussian blur with standard deviation `sigma` pixels, truncated at 4σ as SciPy's
    /// `gaussian_filter` does (radius R = ⌊4σ + 0.5⌋), edges reflected. Each 1-D pass computes, in
    /// Double and in this order, w₀·x₀ + w₁·(x₋₁ + x₁) + … + w_R·(x₋R + x_R), so NumPy's same loop
    /// gives the same bits; the horizontal pass is not rounded, the vertical one rounds once. Only
    /// the weights are e^(−k²/2σ²) divided by their sum (added from −R to R).
    func gaussianBlurred(sigma: Double) -> RGBImage {
        guard sigma > 0, !pixels.isEmpty else { return self }
        let radius = Int(4 * sigma + 0.5)
        guard radius > 0 else { return self }
        let exponent = -0.5 / (sigma * sigma)
        let raw = (-radius...radius).map { PortableMath.exp(exponent * Double($0 * $0)) }
        let total = raw.reduce(0, +)
        // weights[k] for k = 0...R: the kernel is symmetric to the bit, since it depends on k² only.
        let weights = raw[radius...].map { $0 / total }

        let rowLength = width * 3
        var horizontal = [Double](repeating: 0, count: pixels.count)
        // Each row is copied once, mirrored at both ends, so every tap reads a contiguous run.
        let columns = (-radius..<(width + radius)).map { reflectedIndex($0, count: width) * 3 }
        var paddedRow = [Double](repeating: 0, count: columns.count * 3)
        pixels.withUnsafeBufferPointer { source in
            horizontal.withUnsafeMutableBufferPointer { target in
                paddedRow.withUnsafeMutableBufferPointer { padded in
                    for y in 0..<height {
                        let row = y * rowLength
                        for (i, column) in columns.enumerated() {
                            padded[i * 3] = Double(source[row + column])
                            padded[i * 3 + 1] = Double(source[row + column + 1])
                            padded[i * 3 + 2] = Double(source[row + column + 2])
                        }
                        let centre = radius * 3
                        for i in 0..<rowLength { target[row + i] = weights[0] * padded[centre + i] }
                        for k in 1...radius {
                            let before = centre - k * 3, after = centre + k * 3, weight = weights[k]
                            for i in 0..<rowLength { target[row + i] += weight * (padded[before + i] + padded[after + i]) }
                        }
                    }
                }
            }
        }
        let rows = (-radius..<(height + radius)).map { reflectedIndex($0, count: height) * rowLength }
        var out = [UInt8](repeating: 0, count: pixels.count)
        var sums = [Double](repeating: 0, count: rowLength)
        horizontal.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { target in
                sums.withUnsafeMutableBufferPointer { sums in
                    for y in 0..<height {
                        let centre = rows[y + radius]
                        for i in 0..<rowLength { sums[i] = weights[0] * source[centre + i] }
                        for k in 1...radius {
                            let before = rows[y + radius - k], after = rows[y + radius + k], weight = weights[k]
                            for i in 0..<rowLength { sums[i] += weight * (source[before + i] + source[after + i]) }
                        }
                        for i in 0..<rowLength { target[y * rowLength + i] = quantisedSample(sums[i]) }
                    }
                }
            }
        }
        return RGBImage(width: width, height: height, pixels: out)
    }
}
