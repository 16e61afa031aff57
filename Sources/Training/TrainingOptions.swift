import Datasets

/// How a run trains, beyond the HyperRule's schedule.
public struct TrainingOptions: Codable, Sendable, Equatable {
    /// The schedule and optimiser settings.
    public var rule: HyperRule
    /// Images per forward/backward pass; gradients of the micro-batches add up to one step's.
    public var microBatchSize: Int
    /// Evaluate on the validation split every this many steps (and after the last).
    public var evaluateEvery: Int
    /// Stop after this many evaluations without a lower validation loss and restore the best
    /// weights (the tutorial's patience 10, restore_best_weights); nil trains the whole schedule.
    public var patience: Int?
    /// Write a resumable checkpoint every this many steps.
    public var checkpointEvery: Int
    /// Seeds data order, augmentation and MixUp.
    public var seed: UInt64
    /// Worker threads (bit-identical results need the same count).
    public var threads: Int
    /// Keep decoded images in memory.
    public var cacheImages: Bool
    /// Colour shifts and corruptions applied to training images, in order; empty for none.
    public var augmentation: [Augmentation]
    /// Label smoothing ε: each training target is (1 − ε)·one-hot + ε/classes (after MixUp); 0 for none.
    public var labelSmoothing: Double
    /// Decay of the weights' exponential moving average, which is then the model validated and saved; nil for none.
    public var weightAverage: Double?

    /// The values a run takes where neither a spec nor the command line sets one; written only here.
    public enum Default {
        public static let microBatchSize = 32
        public static let evaluateEvery = 10
        /// The tutorial's patience.
        public static let patience = 10
        public static let checkpointEvery = 10
        public static let seed: UInt64 = 0
    }

    /// Options with every value given.
    public init(rule: HyperRule, microBatchSize: Int, evaluateEvery: Int, patience: Int?, checkpointEvery: Int, seed: UInt64,
                threads: Int, cacheImages: Bool = true, augmentation: [Augmentation] = [], labelSmoothing: Double = 0, weightAverage: Double? = nil) {
        (self.rule, self.microBatchSize, self.evaluateEvery, self.patience) = (rule, microBatchSize, evaluateEvery, patience)
        (self.checkpointEvery, self.seed, self.threads, self.cacheImages) = (checkpointEvery, seed, threads, cacheImages)
        (self.augmentation, self.labelSmoothing, self.weightAverage) = (augmentation, labelSmoothing, weightAverage)
    }

    /// Decodes the options of any checkpoint; one written before augmentation, label smoothing or averaging existed had none.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(rule: c.decode(HyperRule.self, forKey: .rule), microBatchSize: c.decode(Int.self, forKey: .microBatchSize),
                      evaluateEvery: c.decode(Int.self, forKey: .evaluateEvery), patience: c.decodeIfPresent(Int.self, forKey: .patience),
                      checkpointEvery: c.decode(Int.self, forKey: .checkpointEvery), seed: c.decode(UInt64.self, forKey: .seed),
                      threads: c.decode(Int.self, forKey: .threads), cacheImages: c.decode(Bool.self, forKey: .cacheImages),
                      augmentation: c.decodeIfPresent([Augmentation].self, forKey: .augmentation) ?? [],
                      labelSmoothing: c.decodeIfPresent(Double.self, forKey: .labelSmoothing) ?? 0,
                      weightAverage: c.decodeIfPresent(Double.self, forKey: .weightAverage))
    }

    /// Problems with the values, in words; empty when usable.
    public var problems: [String] {
        var p = rule.problems
        if microBatchSize < 1 { p.append("micro-batch size must be at least 1") }
        if evaluateEvery < 1 { p.append("evaluation interval must be at least 1 step") }
        if let patience, patience < 1 { p.append("patience must be at least 1 evaluation") }
        if checkpointEvery < 1 { p.append("checkpoint interval must be at least 1 step") }
        if threads < 1 { p.append("threads must be at least 1") }
        if let d = weightAverage, !(d > 0 && d < 1) { p.append("the weight average's decay must be in (0, 1), got \(d)") }
        if !(0..<1).contains(labelSmoothing) { p.append("label smoothing must be in [0, 1), got \(labelSmoothing)") }
        return p
    }
}
