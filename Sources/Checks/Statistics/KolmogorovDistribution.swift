import Foundation

/// Kolmogorov's limiting distribution of √n·Dₙ, the scaled Kolmogorov–Smirnov statistic for large samples.
enum KolmogorovDistribution {
    /// P(K > z), accurate to about 1e-16 absolute.
    ///
    /// Below z = 1 the Jacobi theta form of the distribution function, √(2π)/z Σₖ exp(−(2k−1)²π²/(8z²)), converges
    /// in a few terms; above it the alternating series 2 Σₖ (−1)ᵏ⁻¹ exp(−2k²z²) does, and keeps the small upper
    /// tail accurate instead of taking it as 1 − a value near 1.
    static func survival(_ z: Double) -> Double {
        guard z > 0 else { return 1 }
        if z < 1 {
            var sum = 0.0
            for k in 1...8 {
                let odd = Double(2 * k - 1)
                sum += exp(-odd * odd * Double.pi * Double.pi / (8 * z * z))
            }
            return min(1, max(0, 1 - (2 * Double.pi).squareRoot() / z * sum))
        }
        var sum = 0.0
        var sign = 1.0
        for k in 1...20 {
            let term = exp(-2 * Double(k * k) * z * z)
            sum += sign * term
            if term < 1e-18 { break }
            sign = -sign
        }
        return min(1, max(0, 2 * sum))
    }
}
