/// The parameter of each corruption at each severity: the only place these numbers are written.
/// docs/robustness.md shows them (CorruptionDocumentationTests checks its table against these).
///
/// Blur and pixelation are fractions of the image's shorter side, so a 64-pixel cell and a
/// 480-pixel slide are damaged alike; the per-pixel corruptions (noise, JPEG, tone) need no scaling.
/// Noise, JPEG quality and contrast are ImageNet-C's (Hendrycks & Dietterich 2019).
extension Corruption {
    /// What `parameter(at:)` measures, for tables and reports.
    public var parameterName: String {
        switch self {
        case .gaussianNoise: "σ, fraction of 255"
        case .shotNoise: "photons at full scale"
        case .gaussianBlur: "σ, fraction of the shorter side"
        case .defocusBlur: "disk radius, fraction of the shorter side"
        case .jpeg: "libjpeg quality"
        case .pixelate: "cells across the shorter side"
        case .brightness: "added, fraction of 255"
        case .contrast: "factor towards the mean"
        case .saturation: "saturation factor"
        }
    }

    /// The corruption's parameter at `severity`.
    public func parameter(at severity: CorruptionSeverity) -> Double {
        let levels: [Double] =
            switch self {
            case .gaussianNoise: [0.08, 0.12, 0.18, 0.26, 0.38]
            case .shotNoise: [60, 25, 12, 5, 3]
            case .gaussianBlur: [0.01, 0.02, 0.03, 0.04, 0.05]
            case .defocusBlur: [0.02, 0.03, 0.04, 0.055, 0.07]
            case .jpeg: [25, 18, 15, 10, 7]
            case .pixelate: [40, 32, 24, 16, 12]
            case .brightness: [0.1, 0.2, 0.3, 0.4, 0.5]
            case .contrast: [0.4, 0.3, 0.2, 0.1, 0.05]
            case .saturation: [0.8, 0.6, 0.4, 0.2, 0]
            }
        return levels[severity.level - 1]
    }
}
