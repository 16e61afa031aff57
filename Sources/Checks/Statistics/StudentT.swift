/// Quantiles of Student's t distribution, for intervals from few groups.
public enum StudentT {
    /// The p-quantile with ν degrees of freedom, from the normal quantile by the Cornish–Fisher
    /// expansion in 1/ν (Abramowitz & Stegun 26.7.5): from ν = 5 within 0.0003 of the exact value
    /// for p up to 0.975 and 0.004 at 0.995, slightly low below that; ν below 1 counts as 1.
    public static func quantile(_ p: Double, degreesOfFreedom nu: Double) -> Double {
        let z = NormalDistribution.quantile(p), v = max(nu, 1)
        let z3 = z * z * z, z5 = z3 * z * z, z7 = z5 * z * z, z9 = z7 * z * z
        let g1 = (z3 + z) / 4
        let g2 = (5 * z5 + 16 * z3 + 3 * z) / 96
        let g3 = (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / 384
        let g4 = (79 * z9 + 776 * z7 + 1482 * z5 - 1920 * z3 - 945 * z) / 92160
        return z + g1 / v + g2 / (v * v) + g3 / (v * v * v) + g4 / (v * v * v * v)
    }
}
