import Foundation

/// The standard normal distribution: distribution function, survival function and quantile in double precision.
public enum NormalDistribution {
    /// P(Z ≤ x), accurate in the lower tail because it goes through erfc rather than 1 − erfc.
    public static func cdf(_ x: Double) -> Double {
        0.5 * erfc(-x / 2.0.squareRoot())
    }

    /// P(Z > x), accurate in the upper tail.
    public static func survival(_ x: Double) -> Double {
        0.5 * erfc(x / 2.0.squareRoot())
    }

    /// P(|Z| ≥ |z|): the two-sided p-value of a z statistic.
    public static func twoSidedPValue(_ z: Double) -> Double {
        erfc(abs(z) / 2.0.squareRoot())
    }

    /// The x with P(Z ≤ x) = p; −∞ at 0, +∞ at 1, NaN outside [0, 1].
    ///
    /// Wichura's algorithm AS 241 (PPND16, Applied Statistics 37, 1988), relative error about 1e-16.
    public static func quantile(_ p: Double) -> Double {
        guard p >= 0, p <= 1 else { return .nan }
        if p == 0 { return -.infinity }
        if p == 1 { return .infinity }
        let q = p - 0.5
        if abs(q) <= 0.425 {
            let r = 0.180625 - q * q
            return q * rational(r, central.numerator, central.denominator)
        }
        // For p > 1/2, 1 − p is exact (Sterbenz), so the upper tail is as accurate as the lower.
        var r = (-log(min(p, 1 - p))).squareRoot()
        let x: Double
        if r <= 5 {
            r -= 1.6
            x = rational(r, intermediate.numerator, intermediate.denominator)
        } else {
            r -= 5
            x = rational(r, tail.numerator, tail.denominator)
        }
        return q < 0 ? -x : x
    }

    /// The two-sided critical value: the z with P(|Z| ≤ z) = confidence.
    public static func twoSidedCriticalValue(confidence: Double) -> Double {
        quantile(1 - (1 - confidence) / 2)
    }

    /// Polynomials in Horner order (constant term first); both denominators have constant term 1.
    private static func rational(_ r: Double, _ a: [Double], _ b: [Double]) -> Double {
        var numerator = 0.0
        for coefficient in a.reversed() { numerator = numerator * r + coefficient }
        var denominator = 0.0
        for coefficient in b.reversed() { denominator = denominator * r + coefficient }
        return numerator / denominator
    }

    private static let central = (
        numerator: [
            3.3871328727963666080e0, 1.3314166789178437745e2, 1.9715909503065514427e3, 1.3731693765509461125e4,
            4.5921953931549871457e4, 6.7265770927008700853e4, 3.3430575583588128105e4, 2.5090809287301226727e3,
        ],
        denominator: [
            1.0, 4.2313330701600911252e1, 6.8718700749205790830e2, 5.3941960214247511077e3,
            2.1213794301586595867e4, 3.9307895800092710610e4, 2.8729085735721942674e4, 5.2264952788528545610e3,
        ])

    private static let intermediate = (
        numerator: [
            1.42343711074968357734e0, 4.63033784615654529590e0, 5.76949722146069140550e0, 3.64784832476320460504e0,
            1.27045825245236838258e0, 2.41780725177450611770e-1, 2.27238449892691845833e-2, 7.74545014278341407640e-4,
        ],
        denominator: [
            1.0, 2.05319162663775882187e0, 1.67638483018380384940e0, 6.89767334985100004550e-1,
            1.48103976427480074590e-1, 1.51986665636164571966e-2, 5.47593808499534494600e-4, 1.05075007164441684324e-9,
        ])

    private static let tail = (
        numerator: [
            6.65790464350110377720e0, 5.46378491116411436990e0, 1.78482653991729133580e0, 2.96560571828504891230e-1,
            2.65321895265761230930e-2, 1.24266094738807843860e-3, 2.71155556874348757815e-5, 2.01033439929228813265e-7,
        ],
        denominator: [
            1.0, 5.99832206555887937690e-1, 1.36929880922735805310e-1, 1.48753612908506148525e-2,
            7.86869131145613259100e-4, 1.84631831751005468180e-5, 1.42151175831644588870e-7, 2.04426310338993978564e-15,
        ])
}
