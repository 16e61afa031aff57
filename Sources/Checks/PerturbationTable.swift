import Datasets
import Imaging

/// How a model's decisions on the test split hold up under one family of perturbations (one
/// corruption at each severity, or one colour shift across its range): per level, the share of
/// images whose decided class changed and the metric with its drop from the clean images, each
/// with an interval (over patients when the data has them).
public struct PerturbationTable: Codable, Sendable, Equatable {
    /// A corruption (levels are severities) or a colour shift (levels are amounts).
    public enum Kind: String, Codable, Sendable {
        case corruption
        case colourShift = "colour_shift"
    }

    /// One level of the perturbation.
    public struct Row: Codable, Sendable, Equatable {
        /// The severity (1–5) or the shift's amount.
        public let level: Double
        /// Images whose decided class changed, of `samples`.
        public let changed: Int
        public let samples: Int
        /// changed / samples, with its interval.
        public let flipRate: Double
        public let flipInterval: [Double]?
        /// The metric on the perturbed images; nil where it is undefined.
        public let metric: Double?
        /// Clean metric − perturbed metric for a metric where higher is better (the other way round
        /// otherwise): positive is worse; with its paired interval.
        public let drop: Double?
        public let dropInterval: [Double]?
        /// Whether the gates judge this level (it may be reported only).
        public let gated: Bool
        /// Test images whose class changed, most confident change first (paths), for the gallery.
        public let changedImages: [String]

        /// A level's measurements.
        public init(level: Double, changed: Int, samples: Int, flipRate: Double, flipInterval: [Double]?, metric: Double?, drop: Double?,
                    dropInterval: [Double]?, gated: Bool, changedImages: [String]) {
            (self.level, self.changed, self.samples, self.flipRate, self.flipInterval) = (level, changed, samples, flipRate, flipInterval)
            (self.metric, self.drop, self.dropInterval, self.gated, self.changedImages) = (metric, drop, dropInterval, gated, changedImages)
        }
    }

    public let kind: Kind
    /// The corruption's or shift's name as the spec writes it, e.g. "gaussian_noise".
    public let name: String
    /// The metric the drop is measured in, e.g. "accuracy".
    public let metric: String
    /// The metric on the clean images.
    public let clean: Double?
    /// In the order of their levels.
    public let rows: [Row]
    /// The seed every noisy image was drawn with.
    public let seed: UInt64

    /// A family's table.
    public init(kind: Kind, name: String, metric: String, clean: Double?, rows: [Row], seed: UInt64) {
        (self.kind, self.name, self.metric, self.clean, self.rows, self.seed) = (kind, name, metric, clean, rows, seed)
    }

    /// The perturbation of one row, to draw its images again (they are a pure function of image, perturbation and seed).
    public func perturbation(_ row: Row) -> ImagePerturbation? {
        switch kind {
        case .corruption:
            guard let corruption = Corruption(rawValue: name), let severity = CorruptionSeverity(Int(row.level)) else { return nil }
            return .corruption(corruption, severity)
        case .colourShift:
            return ColourShift.Kind(rawValue: name).map { .colourShift($0, amount: row.level) }
        }
    }

    /// The level as reports write it: "3" for a severity, "1.3" for an amount.
    public static func levelText(_ level: Double) -> String {
        level == level.rounded() && abs(level) < 1e6 ? String(Int(level)) : String(format: "%g", level)
    }
}
