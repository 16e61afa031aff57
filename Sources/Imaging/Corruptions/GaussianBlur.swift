import Foundation

extension RGBImage {
    /// Separable Gaussian blur with standard deviation `sigma` pixels, truncated at 4σ as SciPy's
    /// `gaussian_filter` does (radius ⌊4σ + 0.5⌋), edges reflected. Both passes accumulate in Double
    /// in tap order, so NumPy's same loop gives the same bits; only the weights use libm's `exp`.
    func gaussianBlurred(sigma: Double) -> RGBImage {
        guard sigma > 0, !pixels.isEmpty else { return self }
        let radius = Int(4 * sigma + 0.5)
        guard radius > 0 else { return self }
        let exponent = -0.5 / (sigma * sigma)
        var weights = (-radius...radius).map { Foundation.exp(exponent * Double($0 * $0)) }
        let total = weights.reduce(0, +)
        weights = weights.map { $0 / total }

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
                        for (tap, weight) in weights.enumerated() {
                            let shift = tap * 3
                            for i in 0..<rowLength { target[row + i] += weight * padded[shift + i] }
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
                        for i in 0..<rowLength { sums[i] = 0 }
                        for (tap, weight) in weights.enumerated() {
                            let from = rows[y + tap]
                            for i in 0..<rowLength { sums[i] += weight * source[from + i] }
                        }
                        for i in 0..<rowLength { target[y * rowLength + i] = quantisedSample(sums[i]) }
                    }
                }
            }
        }
        return RGBImage(width: width, height: height, pixels: out)
    }
}
