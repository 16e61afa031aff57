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
        let columns = (-radius..<(width + radius)).map { reflectedIndex($0, count: width) * 3 }
        pixels.withUnsafeBufferPointer { source in
            horizontal.withUnsafeMutableBufferPointer { target in
                for y in 0..<height {
                    let row = y * rowLength
                    for (tap, weight) in weights.enumerated() {
                        for x in 0..<width {
                            let from = row + columns[x + tap], to = row + x * 3
                            target[to] += weight * Double(source[from])
                            target[to + 1] += weight * Double(source[from + 1])
                            target[to + 2] += weight * Double(source[from + 2])
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
