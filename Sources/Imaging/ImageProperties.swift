/// Measurements of an image that change when a dataset's acquisition changes (exposure, stain, focus, camera):
/// what a drift check compares between two image sets, one distribution per property.
///
/// Everything is measured on the stored 8-bit values (gamma-encoded, 0–255), not on linear light. Luma is
/// ITU-R BT.601's Y′ = 0.299 R′ + 0.587 G′ + 0.114 B′, kept in floating point (Pillow's "L" rounds it to an integer).
public struct ImageProperties: Sendable, Equatable {
    /// One measured property, named as a spec or report would name it.
    public enum Property: String, CaseIterable, Sendable {
        case brightness, contrast
        case redMean = "red_mean", greenMean = "green_mean", blueMean = "blue_mean"
        case saturation, sharpness, width, height
    }

    /// Mean luma, 0–255.
    public let brightness: Double
    /// RMS contrast: the standard deviation of luma over all pixels (divisor: the pixel count), 0–127.5.
    public let contrast: Double
    /// Mean red sample, 0–255.
    public let redMean: Double
    /// Mean green sample, 0–255.
    public let greenMean: Double
    /// Mean blue sample, 0–255.
    public let blueMean: Double
    /// Mean HSV saturation, (max − min)/max of each pixel's samples (0 for black pixels), 0–1.
    public let saturation: Double
    /// Variance (divisor: the count) of the 4-neighbour Laplacian of luma, Y(x−1,y) + Y(x+1,y) + Y(x,y−1) +
    /// Y(x,y+1) − 4Y(x,y), over interior pixels only (no padding); blur lowers it. Nil when the image is narrower or
    /// shorter than 3 pixels and has no interior.
    public let sharpness: Double?
    /// Width in pixels.
    public let width: Int
    /// Height in pixels.
    public let height: Int

    /// The properties of `image`; nil for an image without pixels, which has nothing to measure.
    public init?(_ image: RGBImage) {
        let count = image.width * image.height
        guard count > 0 else { return nil }
        var luma = [Double](repeating: 0, count: count)
        var sums = (red: 0, green: 0, blue: 0)
        var saturationSum = 0.0
        image.pixels.withUnsafeBufferPointer { pixels in
            for index in 0..<count {
                let red = Int(pixels[3 * index])
                let green = Int(pixels[3 * index + 1])
                let blue = Int(pixels[3 * index + 2])
                sums.red += red
                sums.green += green
                sums.blue += blue
                luma[index] = 0.299 * Double(red) + 0.587 * Double(green) + 0.114 * Double(blue)
                let largest = max(red, green, blue)
                if largest > 0 { saturationSum += Double(largest - min(red, green, blue)) / Double(largest) }
            }
        }
        let (meanLuma, lumaVariance) = Self.meanAndVariance(luma)
        brightness = meanLuma
        contrast = lumaVariance.squareRoot()
        redMean = Double(sums.red) / Double(count)
        greenMean = Double(sums.green) / Double(count)
        blueMean = Double(sums.blue) / Double(count)
        saturation = saturationSum / Double(count)
        width = image.width
        height = image.height
        sharpness = Self.laplacianVariance(luma, width: image.width, height: image.height)
    }

    /// The value of `property`; nil only for `sharpness` on an image without interior pixels.
    public subscript(property: Property) -> Double? {
        switch property {
        case .brightness: brightness
        case .contrast: contrast
        case .redMean: redMean
        case .greenMean: greenMean
        case .blueMean: blueMean
        case .saturation: saturation
        case .sharpness: sharpness
        case .width: Double(width)
        case .height: Double(height)
        }
    }

    private static func laplacianVariance(_ luma: [Double], width: Int, height: Int) -> Double? {
        guard width >= 3, height >= 3 else { return nil }
        var laplacian: [Double] = []
        laplacian.reserveCapacity((width - 2) * (height - 2))
        for y in 1..<(height - 1) {
            for x in 1..<(width - 1) {
                let centre = y * width + x
                laplacian.append(luma[centre - 1] + luma[centre + 1] + luma[centre - width] + luma[centre + width]
                                 - 4 * luma[centre])
            }
        }
        return meanAndVariance(laplacian).variance
    }

    /// Two passes, so the variance does not lose digits to Σx² − n·mean².
    private static func meanAndVariance(_ values: [Double]) -> (mean: Double, variance: Double) {
        let mean = values.reduce(0, +) / Double(values.count)
        let squares = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        return (mean, squares / Double(values.count))
    }
}
