import Imaging
import Randomness

/// One training augmentation: with probability `probability`, a colour shift by an amount drawn
/// uniformly from a range, or a corruption at a severity drawn uniformly from 1 to a maximum, the
/// same changes the robustness and colour-shift checks judge a model under (docs/robustness.md).
public struct Augmentation: Sendable, Hashable, Codable, CustomStringConvertible {
    /// What the augmentation changes, and how far it may go.
    public enum Change: Sendable, Hashable {
        /// A colour shift by an amount in `range` (ends included).
        case colourShift(ColourShift.Kind, range: ClosedRange<Double>)
        /// A corruption at a severity from 1 to `maxSeverity`.
        case corruption(Corruption, maxSeverity: CorruptionSeverity)
    }

    public let change: Change
    /// The chance, in [0, 1], that an image is changed.
    public let probability: Double

    /// Half the images changed, unless a spec says otherwise.
    public static let defaultProbability = 0.5
    /// Corruptions go up to severity 2 by default: milder than what the robustness check tests at
    /// its worst, since training on images the corruption has destroyed teaches nothing.
    public static let defaultMaxSeverity = CorruptionSeverity.all[1]

    /// The range of a colour shift when a spec gives none: about what separates two staining
    /// batches or two cameras, each side of the identity.
    public static func defaultRange(_ kind: ColourShift.Kind) -> ClosedRange<Double> {
        switch kind {
        case .stainIntensity: 0.8...1.25
        case .hueRotation: -10...10
        case .saturation: 0.75...1.25
        case .whiteBalance: 0.9...1.1
        }
    }

    /// The names that stand for an augmentation with its defaults: the colour shifts, then the
    /// corruptions. `saturation` is both a shift and a corruption (the shift at fixed factors);
    /// the name is the shift, drawn from a range, and only a setting can ask for the corruption.
    public static let names = ColourShift.Kind.allCases.map(\.rawValue)
        + Corruption.allCases.map(\.rawValue).filter { ColourShift.Kind(rawValue: $0) == nil }

    /// The augmentation `name` (one of `names`) stands for, with the default range or maximum
    /// severity and probability; nil for any other name.
    public init?(named name: String) {
        if let kind = ColourShift.Kind(rawValue: name) {
            self.init(.colourShift(kind, range: Self.defaultRange(kind)))
        } else if let corruption = Corruption(rawValue: name) {
            self.init(.corruption(corruption, maxSeverity: Self.defaultMaxSeverity))
        } else {
            return nil
        }
    }

    /// The smallest amount a shift accepts: factors must be positive (saturation may reach 0,
    /// grey, as the saturation corruption does at severity 5); hue angles may be anything finite.
    public static func smallestAmount(_ kind: ColourShift.Kind) -> (value: Double, inclusive: Bool)? {
        switch kind {
        case .stainIntensity, .whiteBalance: (0, false)
        case .saturation: (0, true)
        case .hueRotation: nil
        }
    }

    /// An augmentation; nil when `probability` is outside [0, 1] or a range's amounts are not
    /// ones the shift accepts (`smallestAmount`, finite).
    public init?(_ change: Change, probability: Double = Self.defaultProbability) {
        guard probability >= 0 && probability <= 1 else { return nil }
        if case .colourShift(let kind, let range) = change {
            guard range.lowerBound.isFinite && range.upperBound.isFinite else { return nil }
            if let (smallest, inclusive) = Self.smallestAmount(kind) {
                guard inclusive ? range.lowerBound >= smallest : range.lowerBound > smallest else { return nil }
            }
        }
        (self.change, self.probability) = (change, probability)
    }

    /// Draws from `rng` whether this augmentation applies to an image, and at what amount or
    /// severity with which noise seed. Always three numbers, in that order, whatever the outcome,
    /// so what follows in the stream does not depend on it. nil: the image stays as it is.
    public func draw(_ rng: inout SeededRandom) -> (perturbation: ImagePerturbation, seed: UInt64)? {
        let applies = rng.nextUnit() < probability
        let position = rng.nextUnit()
        let seed = rng.next()
        guard applies else { return nil }
        switch change {
        case .colourShift(let kind, let range):
            return (.colourShift(kind, amount: range.lowerBound + position * (range.upperBound - range.lowerBound)), seed)
        case .corruption(let corruption, let maxSeverity):
            // position < 1, so the index is below maxSeverity.level.
            return (.corruption(corruption, CorruptionSeverity.all[Int(position * Double(maxSeverity.level))]), seed)
        }
    }

    /// How reports and hyperparameters name it: `stain_intensity 0.8…1.25 p=0.5`, `gaussian_blur ≤2 p=0.5`.
    public var description: String {
        switch change {
        case .colourShift(let kind, let range): "\(kind.rawValue) \(range.lowerBound)…\(range.upperBound) p=\(probability)"
        case .corruption(let corruption, let maxSeverity): "\(corruption.rawValue) ≤\(maxSeverity.level) p=\(probability)"
        }
    }

    // As the spec writes it: {shift, range, p} or {corruption, max_severity, p}.
    enum CodingKeys: String, CodingKey {
        case shift, range, corruption
        case maxSeverity = "max_severity"
        case probability = "p"
    }

    /// Encodes the spec's own form, so hyperparameters.json reads like the spec.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch change {
        case .colourShift(let kind, let range):
            try container.encode(kind, forKey: .shift)
            try container.encode([range.lowerBound, range.upperBound], forKey: .range)
        case .corruption(let corruption, let maxSeverity):
            try container.encode(corruption, forKey: .corruption)
            try container.encode(maxSeverity.level, forKey: .maxSeverity)
        }
        try container.encode(probability, forKey: .probability)
    }

    /// Decodes what `encode` wrote, refusing what `init?` refuses.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let probability = try container.decode(Double.self, forKey: .probability)
        let change: Change
        if let kind = try container.decodeIfPresent(ColourShift.Kind.self, forKey: .shift) {
            let ends = try container.decode([Double].self, forKey: .range)
            guard ends.count == 2, ends[0] <= ends[1] else {
                throw DecodingError.dataCorruptedError(forKey: .range, in: container, debugDescription: "expected [low, high], got \(ends)")
            }
            change = .colourShift(kind, range: ends[0]...ends[1])
        } else {
            let corruption = try container.decode(Corruption.self, forKey: .corruption)
            let level = try container.decode(Int.self, forKey: .maxSeverity)
            guard let severity = CorruptionSeverity(level) else {
                throw DecodingError.dataCorruptedError(forKey: .maxSeverity, in: container, debugDescription: "severity \(level) is not in 1...5")
            }
            change = .corruption(corruption, maxSeverity: severity)
        }
        guard let made = Self(change, probability: probability) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a valid augmentation"))
        }
        self = made
    }
}
