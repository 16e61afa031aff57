/// Bounds checked against an image's header before any pixel memory is allocated.
public struct DecodeLimits: Sendable {
    /// The largest accepted `width * height`.
    public var maxPixels: Int

    /// Limits accepting at most `maxPixels` pixels.
    public init(maxPixels: Int) {
        self.maxPixels = maxPixels
    }

    /// 100 megapixels: far beyond any real input (cell images are ~130x130), yet the
    /// RGB buffer stays at 300 MB, so a lying header cannot exhaust memory.
    public static let `default` = DecodeLimits(maxPixels: 100_000_000)

    func check(width: Int, height: Int, file: String) throws {
        let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
        guard !overflow, pixels <= maxPixels else {
            throw ImageError(
                file: file, kind: .tooLarge,
                reason: "header declares \(width)x\(height) = \(pixels) pixels, above the decode limit of \(maxPixels) pixels")
        }
    }
}
