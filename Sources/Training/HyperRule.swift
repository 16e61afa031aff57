/// BiT-HyperRule: the fine-tuning schedule derived from the dataset's size (docs/bit-reference.md §3.3).
///
/// SGD with momentum 0.9, base learning rate 0.003 at batch 512, no weight decay, linear
/// warm-up from 0, then ÷10 after each decay step, MixUp from 20k examples. Every field can be
/// overridden; the values a run actually used are saved with it.
public struct HyperRule: Codable, Sendable, Equatable {
    /// Optimiser steps in the whole schedule.
    public var totalSteps: Int
    /// Steps of linear warm-up from learning rate 0.
    public var warmupSteps: Int
    /// Steps after which the learning rate is divided by 10 (strictly after: step d + 1 onwards).
    public var decaySteps: [Int]
    /// MixUp's Beta(α, α) parameter; 0 turns MixUp off.
    public var mixupAlpha: Double
    /// Images per optimiser step (the global batch; micro-batches accumulate to it).
    public var batchSize: Int
    /// Learning rate after warm-up.
    public var baseLearningRate: Double
    /// SGD momentum.
    public var momentum: Double

    /// The rule for a training set of `examples` images: the reference table's exact boundaries.
    public static func forDataset(examples n: Int) -> HyperRule {
        let (total, warmup, decays): (Int, Int, [Int]) =
            n < 20_000 ? (500, 100, [200, 300, 400])
            : n < 500_000 ? (10_000, 500, [3_000, 6_000, 9_000])
            : (20_000, 500, [6_000, 12_000, 18_000])
        return HyperRule(totalSteps: total, warmupSteps: warmup, decaySteps: decays,
                         mixupAlpha: n < 20_000 ? 0 : 0.1, batchSize: 512, baseLearningRate: 0.003, momentum: 0.9)
    }

    /// A rule with every value given.
    public init(totalSteps: Int, warmupSteps: Int, decaySteps: [Int], mixupAlpha: Double,
                batchSize: Int, baseLearningRate: Double, momentum: Double) {
        (self.totalSteps, self.warmupSteps, self.decaySteps) = (totalSteps, warmupSteps, decaySteps)
        (self.mixupAlpha, self.batchSize, self.baseLearningRate, self.momentum) = (mixupAlpha, batchSize, baseLearningRate, momentum)
    }

    /// Learning rate at 0-based step t: η·t/w during warm-up (0 at t = 0), then η / 10^k
    /// with k the number of decay steps d < t.
    public func learningRate(at t: Int) -> Double {
        if t < warmupSteps { return baseLearningRate * Double(t) / Double(warmupSteps) }
        let k = decaySteps.filter { $0 < t }.count
        var lr = baseLearningRate
        for _ in 0..<k { lr /= 10 }
        return lr
    }

    /// Problems with the values, in words; empty when the rule is usable.
    public var problems: [String] {
        var p: [String] = []
        if totalSteps < 1 { p.append("total steps must be at least 1, got \(totalSteps)") }
        if warmupSteps < 0 || warmupSteps > totalSteps { p.append("warm-up steps must lie in 0...\(totalSteps), got \(warmupSteps)") }
        if decaySteps != decaySteps.sorted() { p.append("decay steps must be increasing, got \(decaySteps)") }
        if mixupAlpha < 0 { p.append("MixUp alpha must be ≥ 0, got \(mixupAlpha)") }
        if batchSize < 1 { p.append("batch size must be at least 1, got \(batchSize)") }
        if !(baseLearningRate > 0) { p.append("base learning rate must be > 0, got \(baseLearningRate)") }
        if !(0..<1).contains(momentum) { p.append("momentum must lie in [0, 1), got \(momentum)") }
        return p
    }
}
