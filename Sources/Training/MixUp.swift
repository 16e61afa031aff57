import BiT
import RealModule

/// MixUp as BiT's TF2/JAX pipeline does it: one λ ~ Beta(α, α) per step, each image mixed
/// with its partner in the reversed batch, labels mixed the same way (soft-label loss).
public enum MixUp {
    /// λ for `step`, drawn from a generator seeded by (seed, step) so a resumed run draws the same.
    public static func lambda(alpha: Double, seed: UInt64, step: Int) -> Double {
        var rng = SeededRandom(seed: seed, stream: UInt64(step) | (1 << 61))
        let a = gamma(shape: alpha, &rng), b = gamma(shape: alpha, &rng)
        return a + b > 0 ? a / (a + b) : 0.5
    }

    /// Mixed images (in place) and soft targets [N, classes].
    public static func mix(_ images: Tensor<Float>, labels: [Int], classes: Int, lambda: Double) -> Tensor<Float> {
        let n = labels.count, per = images.count / max(n, 1)
        let l = Float(lambda)
        let original = images.copy()
        for i in 0..<n {
            let a = original.pointer + i * per, b = original.pointer + (n - 1 - i) * per, out = images.pointer + i * per
            for j in 0..<per { out[j] = l * a[j] + (1 - l) * b[j] }
        }
        let targets = Tensor<Float>(zeros: [n, classes])
        for i in 0..<n {
            targets[i * classes + labels[i]] += l
            targets[i * classes + labels[n - 1 - i]] += 1 - l
        }
        return targets
    }

    /// Gamma(shape, 1) by Marsaglia and Tsang; shapes below 1 via the U^(1/shape) boost.
    static func gamma(shape: Double, _ rng: inout SeededRandom) -> Double {
        if shape < 1 {
            let u = max(rng.nextUnit(), .leastNormalMagnitude)
            return gamma(shape: shape + 1, &rng) * Double.pow(u, 1 / shape)
        }
        let d = shape - 1.0 / 3, c = 1 / (9 * d).squareRoot()
        while true {
            let x = rng.nextNormal(), v0 = 1 + c * x
            if v0 <= 0 { continue }
            let v = v0 * v0 * v0, u = rng.nextUnit()
            if u < 1 - 0.0331 * x * x * x * x || Double.log(max(u, .leastNormalMagnitude)) < 0.5 * x * x + d * (1 - v + Double.log(v)) {
                return d * v
            }
        }
    }
}
