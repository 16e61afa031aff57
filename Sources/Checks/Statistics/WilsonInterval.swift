/// Two-sided Wilson score interval for a binomial proportion k/n.
///
/// Unlike the Wald interval it stays inside [0, 1] and keeps a nonzero width at k = 0 and k = n, which is what
/// a gate on a near-perfect accuracy needs. Its lower end at level 1 − 2α is a one-sided lower bound at 1 − α.
public struct WilsonInterval: Sendable, Equatable, Codable {
    /// k.
    public let successes: Int
    /// n, at least 1.
    public let trials: Int
    /// Two-sided confidence level, e.g. 0.95.
    public let confidence: Double
    /// The lower end, in [0, estimate].
    public let lower: Double
    /// The upper end, in [estimate, 1].
    public let upper: Double

    /// The observed proportion k/n.
    public var estimate: Double { Double(successes) / Double(trials) }

    /// The interval; nil when there are no trials, since without data the proportion could be anything in [0, 1].
    ///
    /// Throws unless 0 ≤ successes ≤ trials and 0 < confidence < 1. At k = 0 the lower end is exactly 0 and at
    /// k = n the upper end is exactly 1 (the closed form gives them only up to rounding).
    public init?(successes: Int, trials: Int, confidence: Double = 0.95) throws {
        try StatisticsError.require(successes >= 0 && successes <= trials, "need 0 ≤ successes ≤ trials, got \(successes) of \(trials)")
        try StatisticsError.requireConfidence(confidence)
        guard trials > 0 else { return nil }
        let n = Double(trials)
        let p = Double(successes) / n
        let z = NormalDistribution.twoSidedCriticalValue(confidence: confidence)
        let z2n = z * z / n
        let center = (p + z2n / 2) / (1 + z2n)
        let halfWidth = z / (1 + z2n) * (p * (1 - p) / n + z2n / (4 * n)).squareRoot()
        self.successes = successes
        self.trials = trials
        self.confidence = confidence
        lower = successes == 0 ? 0 : max(0, center - halfWidth)
        upper = successes == trials ? 1 : min(1, center + halfWidth)
    }
}
