import Foundation

/// McNemar's test for two classifiers judged on the same samples, from the samples where exactly one is right.
///
/// Under H₀ (equal accuracy) each of the b + c discordant samples is equally likely to favour A or B, so b is
/// Binomial(b + c, 1/2). Up to `exactLimit` discordant samples the p-value is that exact binomial tail; above it,
/// the continuity-corrected normal approximation (for two sides, the χ² with one degree of freedom).
public struct McNemar: Sendable, Equatable {
    /// Which difference the p-value looks for.
    public enum Alternative: Sendable, Equatable {
        /// A and B differ either way.
        case twoSided
        /// A is right more often than B (b > c). A small p-value is evidence that B is worse than A; a gate
        /// "B is not worse than A" fails on it. A large one is no proof of non-inferiority — that needs a margin.
        case aBetter
        /// B is right more often than A (c > b).
        case bBetter
    }

    /// How the p-value is computed.
    public enum Method: String, Sendable, Equatable {
        /// The binomial tail itself.
        case exactBinomial
        /// χ²(1) of (|b − c| − 1)²/(b + c) for two sides; the normal with the same correction for one.
        case continuityCorrectedChiSquare
    }

    /// Largest b + c tested exactly.
    public static let exactLimit = 25

    /// b: samples A gets right and B gets wrong.
    public let onlyACorrect: Int
    /// c: samples A gets wrong and B gets right.
    public let onlyBCorrect: Int

    /// The test from the discordant counts b and c.
    public init(onlyACorrect b: Int, onlyBCorrect c: Int) throws {
        try StatisticsError.require(b >= 0 && c >= 0, "counts are never negative")
        onlyACorrect = b
        onlyBCorrect = c
    }

    /// The test from true labels and both classifiers' predictions for the same samples, in the same order.
    public init<Label: Equatable>(labels: [Label], predictionsA: [Label], predictionsB: [Label]) throws {
        try StatisticsError.require(labels.count == predictionsA.count && labels.count == predictionsB.count,
                                    "both classifiers must predict every sample")
        var (b, c) = (0, 0)
        for (label, (a, bPrediction)) in zip(labels, zip(predictionsA, predictionsB)) {
            switch (a == label, bPrediction == label) {
            case (true, false): b += 1
            case (false, true): c += 1
            default: break
            }
        }
        try self.init(onlyACorrect: b, onlyBCorrect: c)
    }

    /// b + c.
    public var discordant: Int { onlyACorrect + onlyBCorrect }

    /// Exact binomial up to `exactLimit` discordant samples, χ² above.
    public var method: Method { discordant <= Self.exactLimit ? .exactBinomial : .continuityCorrectedChiSquare }

    /// (max(|b − c| − 1, 0))² / (b + c); nil when there are no discordant samples.
    ///
    /// The clamp at 0 keeps b = c at statistic 0 and p = 1, as the exact test gives; Edwards' unclamped form
    /// would report 1/(b + c) there.
    public var chiSquare: Double? {
        guard discordant > 0 else { return nil }
        let excess = Double(max(abs(onlyACorrect - onlyBCorrect) - 1, 0))
        return excess * excess / Double(discordant)
    }

    /// The p-value against `alternative`; 1 without discordant samples.
    public func pValue(_ alternative: Alternative = .twoSided) -> Double {
        let (b, c) = (onlyACorrect, onlyBCorrect)
        let n = discordant
        guard n > 0 else { return 1 }
        switch (method, alternative) {
        case (.exactBinomial, .twoSided):
            return min(1, 2 * Self.binomialHalfCDF(min(b, c), trials: n))
        case (.exactBinomial, .aBetter):
            return Self.binomialHalfCDF(c, trials: n)
        case (.exactBinomial, .bBetter):
            return Self.binomialHalfCDF(b, trials: n)
        case (.continuityCorrectedChiSquare, .twoSided):
            // The survival function of χ²(1) at x is P(|Z| ≥ √x) = erfc(√(x/2)).
            return erfc((chiSquare! / 2).squareRoot())
        case (.continuityCorrectedChiSquare, .aBetter):
            return NormalDistribution.survival(Double(b - c - 1) / Double(n).squareRoot())
        case (.continuityCorrectedChiSquare, .bBetter):
            return NormalDistribution.survival(Double(c - b - 1) / Double(n).squareRoot())
        }
    }

    /// P(X ≤ k) for X ~ Binomial(trials, 1/2); every term is an exact integer in a Double for trials ≤ `exactLimit`.
    private static func binomialHalfCDF(_ k: Int, trials: Int) -> Double {
        var coefficient = 1.0
        var sum = 1.0
        if k > 0 {
            for i in 1...k {
                coefficient = coefficient * Double(trials - i + 1) / Double(i)
                sum += coefficient
            }
        }
        return sum / pow(2, Double(trials))
    }
}
