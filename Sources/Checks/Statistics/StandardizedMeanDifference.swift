/// Cohen's d: the difference of two sample means in units of their pooled standard deviation, an effect size for a
/// shift in one variable that does not depend on its units.
public enum StandardizedMeanDifference {
    /// (mean₁ − mean₂) / s, s² = ((n₁−1)s₁² + (n₂−1)s₂²) / (n₁ + n₂ − 2) with sample variances s₁², s₂²; nil when
    /// s is 0 (both samples constant) or undefined (one value in each). Throws if either sample is empty or holds a
    /// NaN or infinite value.
    public static func cohensD(_ first: [Double], _ second: [Double]) throws -> Double? {
        try StatisticsError.requireFiniteSample(first, "first")
        try StatisticsError.requireFiniteSample(second, "second")
        let degreesOfFreedom = first.count + second.count - 2
        guard degreesOfFreedom > 0 else { return nil }
        let (mean1, squares1) = meanAndSquaredDeviations(first)
        let (mean2, squares2) = meanAndSquaredDeviations(second)
        let pooled = ((squares1 + squares2) / Double(degreesOfFreedom)).squareRoot()
        guard pooled > 0 else { return nil }
        return (mean1 - mean2) / pooled
    }

    /// The mean and Σ(x − mean)², from deviations rather than Σx² − n·mean², which cancels badly.
    private static func meanAndSquaredDeviations(_ values: [Double]) -> (Double, Double) {
        let mean = values.reduce(0, +) / Double(values.count)
        return (mean, values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) })
    }
}
